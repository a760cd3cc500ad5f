import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../../../platform/access/actor';
import type { CustomFieldShape } from '../../../platform/custom-fields/custom-field-types';
import { poolQuery } from '../../../platform/database/pool-query';
import { RecordDeps } from '../../../platform/records/record-deps';
import { ScopedRepository } from '../../../platform/records/scoped-repository';
import { CustomFieldEntity } from '../domain/contact.types';
import { CustomFieldDefinitionEntity } from './custom-field-definition.entity';
import { CUSTOM_FIELD_LIST } from './list-specs';

@Injectable()
export class CustomFieldRepository extends ScopedRepository<CustomFieldDefinitionEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: CustomFieldDefinitionEntity, resource: 'custom-fields', list: CUSTOM_FIELD_LIST, noun: 'custom field' });
  }

  /**
   * The shapes of an entity's live definitions, whoever asks: they shape validation, list specs
   * and responses, so every contacts or companies request reads them. One prepared statement
   * (Postgres parses and plans it once per connection), outside the request's transaction when
   * there is none, the rows mapped by hand.
   */
  async liveShapes(entity: CustomFieldEntity): Promise<CustomFieldShape[]> {
    return poolQuery<CustomFieldShape>(
      this.manager,
      `SELECT key, type, required, options FROM contacts.custom_field_definitions WHERE entity = $1 AND deleted_at IS NULL ORDER BY key`,
      [entity],
      { prepare: true },
    );
  }

  /** Whether the key is taken for the entity, by a live or a deleted definition. */
  async keyTaken(entity: CustomFieldEntity, key: string): Promise<boolean> {
    return this.scoped(SYSTEM_ACTOR, 'read', 'any').andWhere(`"${this.alias}"."entity" = :entity AND "${this.alias}"."key" = :key`, { entity, key }).getExists();
  }
}
