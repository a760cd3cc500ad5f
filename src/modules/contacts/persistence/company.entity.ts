import { Column, Entity, Index } from 'typeorm';
import { OwnedRecordEntity } from '../../../platform/database/columns';

@Entity({ schema: 'contacts', name: 'companies' })
@Index('companies_created_idx', ['createdAt', 'id'])
@Index('companies_name_idx', ['name', 'id'])
@Index('companies_city_idx', ['city', 'createdAt', 'id'])
@Index('companies_owner_idx', ['ownerId'])
@Index('companies_team_idx', ['teamId'])
@Index('companies_parent_idx', ['parentCompanyId'])
@Index('companies_tags_gin', { synchronize: false })
@Index('companies_domains_gin', { synchronize: false })
@Index('companies_search_trgm', { synchronize: false })
// Unique among live companies (a partial index): the migration owns it.
@Index('companies_external_id_uq', { synchronize: false })
export class CompanyEntity extends OwnedRecordEntity {
  /** The id of the company in another system (an import's match key), unique among live companies. */
  @Column({ type: 'varchar', length: 200, nullable: true }) externalId: string | null;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) domains: string[];
  @Column({ type: 'varchar', length: 100, nullable: true }) industry: string | null;
  /** Size: number of employees. */
  @Column({ type: 'integer', nullable: true }) employees: number | null;
  @Column({ type: 'numeric', nullable: true }) annualRevenueAmount: string | null;
  @Column({ type: 'character', length: 3, nullable: true }) annualRevenueCurrency: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) street: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) city: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) region: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) postalCode: string | null;
  @Column({ type: 'character', length: 2, nullable: true }) country: string | null;
  @Column({ type: 'uuid', nullable: true }) parentCompanyId: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags: string[];
  @Column({ type: 'jsonb', default: () => "'{}'" }) customFields: Record<string, unknown>;
  @Column({ type: 'text', default: '' }) searchText: string;
}
