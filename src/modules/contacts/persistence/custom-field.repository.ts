import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../../../platform/access/actor';
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

  /** The live definitions of an entity, whoever asks: they shape validation and list specs. */
  async live(entity: CustomFieldEntity): Promise<CustomFieldDefinitionEntity[]> {
    return this.scoped(SYSTEM_ACTOR).andWhere(`"${this.alias}"."entity" = :entity`, { entity }).orderBy(`"${this.alias}"."key"`).getMany();
  }

  /** Whether the key is taken for the entity, by a live or a deleted definition. */
  async keyTaken(entity: CustomFieldEntity, key: string): Promise<boolean> {
    return this.scoped(SYSTEM_ACTOR, 'read', 'any').andWhere(`"${this.alias}"."entity" = :entity AND "${this.alias}"."key" = :key`, { entity, key }).getExists();
  }
}
