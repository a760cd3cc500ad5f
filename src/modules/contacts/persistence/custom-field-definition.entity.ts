import { Column, Entity, Index } from 'typeorm';
import { RecordEntity } from '../../../platform/database/columns';
import type { CustomFieldType } from '../../../platform/custom-fields/custom-field-types';
import type { CustomFieldEntity } from '../domain/contact.types';

/** An admin-defined field of contacts or companies; its values live in the records' `custom_fields`. */
@Entity({ schema: 'contacts', name: 'custom_field_definitions' })
@Index('custom_field_definitions_entity_key_uq', ['entity', 'key'], { unique: true })
export class CustomFieldDefinitionEntity extends RecordEntity {
  @Column({ type: 'varchar', length: 16 }) entity: CustomFieldEntity;
  @Column({ type: 'varchar', length: 50 }) key: string;
  @Column({ type: 'varchar', length: 100 }) label: string;
  @Column({ type: 'varchar', length: 16 }) type: CustomFieldType;
  @Column({ type: 'boolean', default: false }) required: boolean;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) options: string[];
  @Column({ type: 'varchar', length: 500, nullable: true }) description: string | null;
}
