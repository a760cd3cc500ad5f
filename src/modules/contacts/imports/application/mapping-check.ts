import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { badRequest, FieldError } from '../../../../platform/errors/domain-error';
import { ImportOptions } from '../domain/import-options';

/**
 * Checks the mapping against the file's header and the entity's custom fields, once, before any
 * row: a mapped column the header lacks or names twice, or a custom field that does not exist
 * or cannot take what is mapped to it, would otherwise fail (or silently drop) a value in every
 * row. One 400 names every such `mapping.<column>`; a run meeting it stops before writing.
 */
export function checkMapping(opts: Pick<ImportOptions, 'entity' | 'mapping'>, headers: readonly string[], defs: readonly CustomFieldShape[]): void {
  const inFile = new Map<string, number>();
  for (const h of headers) inFile.set(h, (inFile.get(h) ?? 0) + 1);
  const amounts = new Set<string>();
  for (const t of opts.mapping.values()) if (t.kind === 'custom') amounts.add(t.key);
  const errors: FieldError[] = [];
  for (const [key, target] of opts.mapping) {
    const field = `mapping.${target.column}`.slice(0, 120);
    const times = inFile.get(key) ?? 0;
    if (times === 0) errors.push({ field, message: "is not a column of the file's header" });
    else if (times > 1) errors.push({ field, message: `the file has ${times} columns named ${target.column.slice(0, 60)}` });
    if (target.kind === 'field') continue;
    const def = defs.find((d) => d.key === target.key);
    if (!def) errors.push({ field, message: `customFields.${target.key} is not a custom field of ${opts.entity === 'company' ? 'companies' : 'contacts'}` });
    else if (target.kind === 'currency' && def.type !== 'money') errors.push({ field, message: `customFields.${target.key} is a ${def.type} field: only a money field takes a currency column` });
    else if (target.kind === 'currency' && !amounts.has(target.key)) errors.push({ field, message: `a currency column needs a column mapped to customFields.${target.key} (the amount)` });
  }
  if (errors.length) {
    const listed = errors.slice(0, 5).map((e) => `${e.field} ${e.message}`);
    throw badRequest(`The mapping does not fit the file: ${listed.join('; ')}${errors.length > 5 ? '; …' : ''}.`, errors, 'VALIDATION_FAILED');
  }
}
