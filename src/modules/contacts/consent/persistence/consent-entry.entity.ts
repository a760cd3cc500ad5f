import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ContactEntity } from '../../persistence/contact.entity';
import { ConsentChannel, ConsentStatus, LegalBasis } from '../domain/consent.types';

/**
 * One grant or withdrawal, as evidence: what, on which legal basis, where it came from, when it
 * happened, and who recorded it in which request. Never updated or deleted (a database trigger
 * refuses it); the current status is the latest entry per channel.
 */
@Entity({ schema: 'contacts', name: 'consent_entries' })
@Check('consent_entries_channel_check', `channel IN ('email', 'phone', 'sms')`)
@Check('consent_entries_status_check', `status IN ('granted', 'withdrawn')`)
@Check('consent_entries_legal_basis_check', `legal_basis IN ('consent', 'contract', 'legitimate_interest', 'legal_obligation', 'vital_interest', 'public_task')`)
@Index('consent_entries_contact_idx', ['contactId', 'channel', 'occurredAt', 'id'])
export class ConsentEntryEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'consent_entries_pkey' })
  id: string;

  @Column({ type: 'uuid' }) contactId: string;

  // Declared for the foreign key only (the schema builder must see it); never loaded.
  @ManyToOne(() => ContactEntity, { createForeignKeyConstraints: true })
  @JoinColumn({ name: 'contact_id', foreignKeyConstraintName: 'consent_entries_contact_fk' })
  contact?: ContactEntity;
  @Column({ type: 'varchar', length: 16 }) channel: ConsentChannel;
  @Column({ type: 'varchar', length: 16 }) status: ConsentStatus;
  @Column({ type: 'varchar', length: 32 }) legalBasis: LegalBasis;
  @Column({ type: 'varchar', length: 200 }) source: string;
  @Column({ type: 'timestamptz' }) occurredAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) recordedAt: Date;
  @Column({ type: 'varchar', length: 128, nullable: true }) requestId: string | null;
  @Column({ type: 'varchar', length: 16 }) actorType: string;
  @Column({ type: 'varchar', length: 64 }) actorId: string;
}
