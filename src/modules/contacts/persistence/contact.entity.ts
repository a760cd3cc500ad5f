import { Column, Entity, Index } from 'typeorm';
import { OwnedRecordEntity } from '../../../platform/database/columns';
import { CompanyLink, ContactEmail, ContactPhone } from '../domain/contact.types';

/** A person. Emails, phones and company links live on the row (one version, one audit diff per change). */
@Entity({ schema: 'contacts', name: 'contacts' })
@Index('contacts_created_idx', ['createdAt', 'id'])
@Index('contacts_last_name_idx', ['lastName', 'id'])
// City lists sort by -createdAt by default: the index serves filter and order together.
@Index('contacts_city_idx', ['city', 'createdAt', 'id'])
@Index('contacts_primary_email_idx', ['primaryEmail'])
@Index('contacts_owner_idx', ['ownerId'])
@Index('contacts_team_idx', ['teamId'])
// GIN and expression indexes TypeORM cannot describe: the migration owns them.
@Index('contacts_email_keys_gin', { synchronize: false })
@Index('contacts_phone_keys_gin', { synchronize: false })
@Index('contacts_tags_gin', { synchronize: false })
@Index('contacts_company_ids_gin', { synchronize: false })
@Index('contacts_search_trgm', { synchronize: false })
@Index('contacts_full_name_trgm', { synchronize: false })
// Unique among live contacts (a partial index): the migration owns it.
@Index('contacts_external_id_uq', { synchronize: false })
export class ContactEntity extends OwnedRecordEntity {
  /** The id of the person in another system (an import's match key), unique among live contacts. */
  @Column({ type: 'varchar', length: 200, nullable: true }) externalId: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) firstName: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) lastName: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) emails: ContactEmail[];
  @Column({ type: 'jsonb', default: () => "'[]'" }) phones: ContactPhone[];
  @Column({ type: 'varchar', length: 320, nullable: true }) primaryEmail: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) primaryPhone: string | null;
  /** Every normalized email, for matching (duplicates, filters). */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) emailKeys: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) phoneKeys: string[];
  @Column({ type: 'varchar', length: 200, nullable: true }) jobTitle: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) street: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) city: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) region: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) postalCode: string | null;
  @Column({ type: 'character', length: 2, nullable: true }) country: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) lifecycleStage: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) source: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags: string[];
  @Column({ type: 'jsonb', default: () => "'[]'" }) companyLinks: CompanyLink[];
  /** The companyId of every link, for filters and for refreshing search text on a rename. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) companyIds: string[];
  @Column({ type: 'jsonb', default: () => "'{}'" }) customFields: Record<string, unknown>;
  /** Names, emails, phones and company names; searched through contacts.search_norm + pg_trgm. */
  @Column({ type: 'text', default: '' }) searchText: string;
}
