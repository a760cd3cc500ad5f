import { badRequest, DomainError, FieldError } from '../errors/domain-error';
import { FieldSpec, FilterOp, ListSpec } from './list-spec';

/** A parsed, type-checked filter. Values are already coerced; fields are spec entries. */
export type FilterNode = FilterCondition | FilterGroup;
export interface FilterCondition {
  kind: 'condition';
  field: FieldSpec;
  op: FilterOp;
  /** string for scalars, string[] for in/nin, boolean for isNull and boolean fields. */
  value: FilterValue;
}
export interface FilterGroup {
  kind: 'and' | 'or';
  nodes: FilterNode[];
}
export type FilterValue = string | boolean | string[];

export const MAX_FILTER_DEPTH = 5;
import { DATE_RULE, isDateText, TIMESTAMP_RULE, timestampText } from './timestamp';

export const MAX_FILTER_CONDITIONS = 100;
export const MAX_IN_VALUES = 500;
export const MAX_VALUE_LENGTH = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^-?(\d{1,30})(\.\d{1,30})?$/;

export function filterError(field: string, message: string): DomainError {
  return badRequest(`Invalid filter ${field}: ${message}`, [{ field, message }], 'INVALID_FILTER');
}

/** Turns one raw scalar into the bound value for a field, or explains why it cannot. */
export function coerceScalar(field: FieldSpec, raw: unknown, at: string): string | boolean {
  if (field.type === 'boolean') {
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    throw filterError(at, 'must be true or false');
  }
  if (typeof raw === 'number' && (field.type === 'number' || field.type === 'numeric') && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw !== 'string') throw filterError(at, 'must be a string');
  if (raw.length > MAX_VALUE_LENGTH) throw filterError(at, `must be at most ${MAX_VALUE_LENGTH} characters`);
  switch (field.type) {
    case 'string':
    case 'text':
    case 'tags':
      // NUL cannot be stored or compared by Postgres text; reject instead of failing in SQL.
      if (raw.includes('\u0000')) throw filterError(at, 'must not contain NUL characters');
      return field.normalize ? field.normalize(raw) : raw;
    case 'number':
    case 'numeric':
      if (!NUMBER.test(raw)) throw filterError(at, 'must be a decimal number');
      return raw;
    case 'uuid':
      if (!UUID.test(raw)) throw filterError(at, 'must be a UUID');
      return raw.toLowerCase();
    case 'enum':
      if (!field.values?.includes(raw)) throw filterError(at, `must be one of ${field.values?.join(', ')}`);
      return raw;
    case 'date':
      if (!isDateText(raw)) throw filterError(at, DATE_RULE);
      return raw;
    case 'timestamp': {
      const value = timestampText(raw);
      if (value === null) throw filterError(at, TIMESTAMP_RULE);
      return value;
    }
  }
}

/** Checks op against the spec and coerces the value of one condition. */
export function buildCondition(field: FieldSpec, op: FilterOp, raw: unknown, at: string): FilterCondition {
  if (!field.ops.has(op)) {
    const allowed = [...field.ops].join(', ') || 'none';
    throw filterError(at, `operator ${op} is not allowed on ${field.name} (allowed: ${allowed})`);
  }
  if (op === 'isNull') {
    if (raw === true || raw === 'true') return { kind: 'condition', field, op, value: true };
    if (raw === false || raw === 'false') return { kind: 'condition', field, op, value: false };
    throw filterError(at, 'isNull takes true or false');
  }
  if (op === 'in' || op === 'nin') {
    const list = typeof raw === 'string' ? raw.split(',') : raw;
    if (!Array.isArray(list) || list.length === 0) throw filterError(at, `${op} takes a non-empty list`);
    if (list.length > MAX_IN_VALUES) throw filterError(at, `${op} takes at most ${MAX_IN_VALUES} values`);
    const values = list.map((v) => coerceScalar(field, v, at));
    return { kind: 'condition', field, op, value: [...new Set(values.map(String))] };
  }
  return { kind: 'condition', field, op, value: coerceScalar(field, raw, at) };
}

export function lookupField(spec: ListSpec, name: string, at: string): FieldSpec {
  // Map lookup, never `in`/index on a plain object: `__proto__` or `constructor` are just unknown names.
  const field = typeof name === 'string' ? spec.fields.get(name) : undefined;
  if (!field) throw filterError(at, `${JSON.stringify(String(name)).slice(0, 80)} is not a filterable field of ${spec.resource}`);
  return field;
}

export function isFilterOp(op: unknown): op is FilterOp {
  return typeof op === 'string' && (FILTER_OPS_SET as Set<string>).has(op);
}
const FILTER_OPS_SET = new Set<FilterOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull']);

/** True when any condition of the tree filters `name`. */
export function filterMentions(node: FilterNode | null, name: string): boolean {
  if (!node) return false;
  if (node.kind === 'condition') return node.field.name === name;
  return node.nodes.some((n) => filterMentions(n, name));
}

/** Conditions that hold for every row the filter selects (top-level AND chain only). */
export function requiredConditions(node: FilterNode | null): FilterCondition[] {
  if (!node) return [];
  if (node.kind === 'condition') return [node];
  if (node.kind === 'and') return node.nodes.flatMap(requiredConditions);
  return [];
}

export function collectErrors(errors: FieldError[]): DomainError {
  return badRequest(`Invalid query: ${errors.map((e) => e.field).join(', ')}.`, errors, 'INVALID_QUERY');
}
