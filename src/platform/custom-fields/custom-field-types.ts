import { isISO4217CurrencyCode } from 'class-validator';
import { FieldSpecInput } from '../query/list-spec';

/**
 * The value types of admin-defined custom fields, independent of which records carry them:
 * how a value is checked and normalized on write, and how it is filtered and sorted (a list
 * spec field over a path of the record's jsonb column).
 */
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'money', 'date', 'boolean', 'select', 'multiselect', 'url', 'email'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** What the checks need to know of a definition. */
export interface CustomFieldShape {
  key: string;
  type: CustomFieldType;
  required: boolean;
  options: readonly string[];
}

export const CUSTOM_FIELD_KEY = /^[a-z][a-zA-Z0-9_]{0,49}$/;
/**
 * Keys a definition may not take: the names of Object.prototype members (`constructor`,
 * `toString`, …). The request pipe refuses them as keys anywhere in a body (see
 * platform/http/validation.ts), so a value could never be written under one, and every plain
 * object lookup would find the inherited member.
 */
export const RESERVED_CUSTOM_FIELD_KEYS: readonly string[] = Object.getOwnPropertyNames(Object.prototype);
export const MAX_CUSTOM_TEXT = 2000;
export const MAX_SELECT_OPTIONS = 200;

/** A decimal string with up to 4 decimals: what money and number values are stored as. */
const DECIMAL = /^-?\d{1,15}(\.\d{1,4})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const CURRENCY = /^[A-Z]{3}$/;

export type CustomFieldValue = string | number | boolean | string[] | { amount: string; currency: string };

/** `at`: the part of the value the problem is about (`currency` of a money value), named after the field. */
export type CheckResult = { ok: true; value: CustomFieldValue } | { ok: false; message: string; at?: string };

const fail = (message: string, at?: string): CheckResult => (at ? { ok: false, message, at } : { ok: false, message });

function validDate(raw: string): boolean {
  const m = DATE.exec(raw);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Checks one non-null value against its definition and returns the value to store. */
export function checkCustomValue(def: CustomFieldShape, value: unknown): CheckResult {
  switch (def.type) {
    case 'text':
      if (typeof value !== 'string') return fail('must be a string');
      if (value.length > MAX_CUSTOM_TEXT) return fail(`must be at most ${MAX_CUSTOM_TEXT} characters`);
      if (value.includes('\u0000')) return fail('must not contain NUL characters');
      return { ok: true, value };
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a number');
      if (Math.abs(value) >= 1e15) return fail('must be less than 1e15 in magnitude');
      return { ok: true, value };
    case 'money': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('must be {amount, currency}');
      const keys = Object.keys(value);
      const { amount, currency } = value as { amount?: unknown; currency?: unknown };
      if (keys.some((k) => k !== 'amount' && k !== 'currency')) return fail('must have only amount and currency');
      if (typeof amount !== 'string' || !DECIMAL.test(amount)) return fail('amount must be a decimal string such as "1234.50"');
      // The check of the built-in money fields (annualRevenue): a listed ISO 4217 code, not just three letters.
      if (typeof currency !== 'string' || !CURRENCY.test(currency) || !isISO4217CurrencyCode(currency)) return fail('must be an ISO 4217 code such as "EUR"', 'currency');
      return { ok: true, value: { amount, currency } };
    }
    case 'date':
      if (typeof value !== 'string' || !validDate(value)) return fail('must be a date (YYYY-MM-DD)');
      return { ok: true, value };
    case 'boolean':
      if (typeof value !== 'boolean') return fail('must be true or false');
      return { ok: true, value };
    case 'select':
      if (typeof value !== 'string' || !def.options.includes(value)) return fail(`must be one of ${def.options.join(', ')}`);
      return { ok: true, value };
    case 'multiselect': {
      if (!Array.isArray(value)) return fail('must be an array');
      // By position, not by value: what was typed may be personal data (import reports keep messages).
      const bad = value.findIndex((v) => typeof v !== 'string' || !def.options.includes(v));
      if (bad !== -1) return fail(`item ${bad + 1} is not one of ${def.options.join(', ')}`);
      return { ok: true, value: [...new Set(value as string[])] };
    }
    case 'url': {
      if (typeof value !== 'string' || value.length > MAX_CUSTOM_TEXT) return fail('must be an http(s) URL');
      try {
        const url = new URL(value);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must be an http(s) URL');
      } catch {
        return fail('must be an http(s) URL');
      }
      return { ok: true, value };
    }
    case 'email':
      if (typeof value !== 'string' || value.length > 320 || !EMAIL.test(value.trim())) return fail('must be an email address');
      return { ok: true, value: value.trim().toLowerCase() };
  }
}

export interface CustomFieldProblem {
  field: string;
  message: string;
}

/**
 * Applies a patch of custom field values (`null` clears one) to the stored object and checks it.
 * Keys must be defined (`defs` are the live definitions); stored values of deleted definitions
 * are kept untouched, so restoring a definition brings its data back.
 * `creating` enforces required fields; on update only clearing a required field is refused.
 */
export function applyCustomValues(
  defs: readonly CustomFieldShape[],
  stored: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
  creating: boolean,
  at = 'customFields',
): { values: Record<string, unknown>; problems: CustomFieldProblem[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const values: Record<string, unknown> = { ...stored };
  const problems: CustomFieldProblem[] = [];
  for (const [key, raw] of Object.entries(patch ?? {})) {
    const def = byKey.get(key);
    const field = `${at}.${key.slice(0, 64)}`;
    if (!def) {
      problems.push({ field, message: 'is not a defined custom field' });
      continue;
    }
    if (raw === null) {
      if (def.required) problems.push({ field, message: 'is required' });
      else delete values[key];
      continue;
    }
    const checked = checkCustomValue(def, raw);
    if (checked.ok) values[key] = checked.value;
    else problems.push({ field: checked.at ? `${field}.${checked.at}` : field, message: checked.message });
  }
  if (creating) {
    for (const def of defs) {
      if (def.required && (!Object.hasOwn(values, def.key) || values[def.key] === undefined || values[def.key] === null)) problems.push({ field: `${at}.${def.key}`, message: 'is required' });
    }
  }
  return { values, problems };
}

/** Only the values of live definitions: what a response shows. */
export function visibleCustomValues(defs: readonly CustomFieldShape[], stored: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) if (Object.hasOwn(stored, def.key) && stored[def.key] !== undefined) out[def.key] = stored[def.key];
  return out;
}

/**
 * List spec fields (`customFields.<key>`, and `customFields.<key>.currency` for money) over the
 * record's jsonb column, for the definitions that exist now.
 */
export function customFieldSpecs(defs: readonly CustomFieldShape[], column: string, prefix = 'customFields'): Record<string, FieldSpecInput> {
  const out: Record<string, FieldSpecInput> = {};
  for (const def of defs) {
    const name = `${prefix}.${def.key}`;
    const json = (...path: string[]) => ({ column, path });
    switch (def.type) {
      case 'text':
      case 'url':
      case 'email':
        out[name] = { type: 'string', json: json(def.key), sortable: true };
        break;
      case 'number':
        out[name] = { type: 'number', json: json(def.key), sortable: true };
        break;
      case 'money':
        out[name] = { type: 'numeric', json: json(def.key, 'amount'), sortable: true, description: 'the amount' };
        out[`${name}.currency`] = { type: 'string', json: json(def.key, 'currency'), ops: ['eq', 'ne', 'in', 'nin', 'isNull'], sortable: true };
        break;
      case 'date':
        out[name] = { type: 'date', json: json(def.key), sortable: true };
        break;
      case 'boolean':
        out[name] = { type: 'boolean', json: json(def.key), sortable: true };
        break;
      case 'select':
        // Any string, not only the current options: values of a removed option stay stored and
        // must stay findable (to clean them up). Writes still take only the options.
        out[name] = def.options.length
          ? { type: 'string', json: json(def.key), sortable: true, ops: ['eq', 'ne', 'in', 'nin', 'isNull'], description: 'an option, or a value of a removed option that is still stored' }
          : { type: 'string', json: json(def.key), sortable: true };
        break;
      case 'multiselect':
        out[name] = { type: 'tags', json: json(def.key) };
        break;
    }
  }
  return out;
}
