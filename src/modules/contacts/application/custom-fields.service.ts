import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor } from '../../../platform/access/actor';
import { CustomFieldShape } from '../../../platform/custom-fields/custom-field-types';
import { CacheVersions, VersionedCache } from '../../../platform/database/cache-versions';
import { conflict, invalid } from '../../../platform/errors/domain-error';
import { ListQuery, Page } from '../../../platform/query/list-query';
import { WriteOptions } from '../../../platform/records/scoped-repository';
import { CustomFieldEntity } from '../domain/contact.types';
import { CustomFieldDefinitionEntity } from '../persistence/custom-field-definition.entity';
import { CustomFieldRepository } from '../persistence/custom-field.repository';

export interface CreateCustomFieldCommand {
  entity: CustomFieldEntity;
  key: string;
  label: string;
  type: CustomFieldDefinitionEntity['type'];
  required?: boolean;
  options?: string[];
  description?: string | null;
}

export type UpdateCustomFieldCommand = Partial<Pick<CreateCustomFieldCommand, 'label' | 'required' | 'options' | 'description'>>;

const hasOptions = (type: string) => type === 'select' || type === 'multiselect';

function checkOptions(type: string, options: string[] | undefined, creating: boolean): string[] | undefined {
  if (options === undefined) {
    if (creating && hasOptions(type)) throw invalid('options', `a ${type} field needs at least one option`);
    return creating ? [] : undefined;
  }
  if (!hasOptions(type) && options.length) throw invalid('options', `only select and multiselect fields have options`);
  if (hasOptions(type) && !options.length) throw invalid('options', `a ${type} field needs at least one option`);
  if (new Set(options).size !== options.length) throw invalid('options', 'must not repeat a value');
  return options;
}

/**
 * Admin-defined fields of contacts and companies. A definition's key and type never change and
 * its key stays reserved while it is in the recycle bin: stored values keep the meaning they
 * were written with, and restoring the definition brings them back as they were.
 */
@Injectable()
export class CustomFieldsService {
  /** Shapes by entity, as current as the request's `custom-fields` cache version (bumped by a trigger on every write). */
  private readonly shapeCache: VersionedCache<CustomFieldEntity, CustomFieldShape[]>;

  constructor(
    private readonly definitions: CustomFieldRepository,
    cacheVersions: CacheVersions,
  ) {
    this.shapeCache = cacheVersions.cache('custom-fields');
  }

  list(actor: Actor, query: ListQuery): Promise<Page<CustomFieldDefinitionEntity>> {
    return this.definitions.list(actor, query);
  }

  get(actor: Actor, id: string): Promise<CustomFieldDefinitionEntity> {
    return this.definitions.findOne(actor, id, { deleted: 'any' });
  }

  @Transactional()
  async create(actor: Actor, cmd: CreateCustomFieldCommand): Promise<CustomFieldDefinitionEntity> {
    const options = checkOptions(cmd.type, cmd.options, true);
    if (await this.definitions.keyTaken(cmd.entity, cmd.key)) {
      throw conflict('CUSTOM_FIELD_KEY_TAKEN', `The ${cmd.entity} custom field "${cmd.key}" exists (possibly in the recycle bin: restore it instead).`);
    }
    return this.definitions.create(actor, {
      entity: cmd.entity,
      key: cmd.key,
      label: cmd.label,
      type: cmd.type,
      required: cmd.required ?? false,
      options,
      description: cmd.description ?? null,
    });
  }

  @Transactional()
  async update(actor: Actor, id: string, cmd: UpdateCustomFieldCommand, opts: WriteOptions): Promise<CustomFieldDefinitionEntity> {
    const current = await this.definitions.findOne(actor, id);
    const options = checkOptions(current.type, cmd.options, false);
    return this.definitions.update(actor, id, { label: cmd.label, required: cmd.required, options, description: cmd.description }, opts);
  }

  remove(actor: Actor, id: string, opts: WriteOptions): Promise<CustomFieldDefinitionEntity> {
    return this.definitions.softDelete(actor, id, opts);
  }

  restore(actor: Actor, id: string, opts: WriteOptions): Promise<CustomFieldDefinitionEntity> {
    return this.definitions.restore(actor, id, opts);
  }

  /**
   * The live definitions of an entity, as the value checks, list specs and responses need them:
   * every contacts and companies request asks, so a request reuses what an earlier one read
   * unless a definition changed since (platform/database/cache-versions.ts). Callers must not
   * modify the array.
   */
  async shapes(entity: CustomFieldEntity): Promise<CustomFieldShape[]> {
    return this.shapeCache.get(entity, async () => (await this.definitions.liveShapes(entity)).map((d) => Object.freeze({ ...d, options: Object.freeze([...d.options]) })));
  }
}
