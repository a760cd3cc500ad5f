import { CustomFieldShape, customFieldSpecs } from '../../../platform/custom-fields/custom-field-types';
import { defineListSpec, FieldSpecInput, ListSpec, OWNED_RECORD_FIELDS, RECORD_FIELDS, TextSearch } from '../../../platform/query/list-spec';
import { escapeLike } from '../../../platform/query/sql';
import { CUSTOM_FIELD_ENTITIES, LIFECYCLE_STAGES } from '../domain/contact.types';
import { normalizeDomain, normalizeEmail, normalizePhone } from '../domain/normalize';
import { CUSTOM_FIELD_TYPES } from '../../../platform/custom-fields/custom-field-types';

const searchText = (alias: string) => `contacts.search_norm("${alias}"."search_text")`;

/**
 * `q`: accent- and case-insensitive; either a substring of the search text (prefixes, parts of
 * emails and phones, company names), or every word of `q` close to a word of the `typos` text
 * (pg_trgm word similarity: typos). Each part is served by its trigram index, and a word per
 * condition lets the planner intersect the index matches instead of rechecking every row that
 * shares the most common word (all the "Sarah"s for "Sarah Dunarlli"). The typo side is written
 * `text %> word`, the index's own operator: the commuted `word <% text` is evaluated a second
 * time per row as a filter.
 */
const MAX_TYPO_WORDS = 8;

/** Digits, and the ways people write phone numbers around them. */
const PHONE_LIKE = /^[\d\s()+.\-/]+$/;
/** Fewer digits than this are not worth reading as a phone number. */
const MIN_PHONE_DIGITS = 4;

/**
 * The digits to look for when `q` is a phone number as people write it (`+371 2000 0298`,
 * `(+371) 20000298`, `0037120000298`, `06 12 34 56 78`): the search text holds each number in
 * E.164 (`+37120000298`) and without its `+`, so separators go, an international `00` goes, and a
 * national trunk `0` goes (`0612345678` is `+33612345678` without its country code and trunk
 * prefix). Null when `q` is not a phone number.
 */
export function phoneDigits(q: string): string | null {
  if (!PHONE_LIKE.test(q)) return null;
  let digits = q.replace(/\D/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = digits.slice(1);
  return digits.length >= MIN_PHONE_DIGITS ? digits : null;
}

/**
 * A condition on row `alias` for one query word (its bound placeholder): the typos trigrams miss.
 * See contactNameEdits.
 */
type WordTypos = (alias: string, word: string) => string;

const trigramSearch = (what: string, typos: (alias: string) => string, phones = false, editTypos?: WordTypos): TextSearch => ({
  description:
    `Free-text search in ${what}: accent- and case-insensitive, matches parts of words and tolerates typos. ` +
    (editTypos ? 'A name with a letter dropped, added or replaced, or two letters swapped, still finds the person (words of four letters or more). ' : '') +
    (phones ? 'A phone number matches however it is written (spaces, dashes, brackets, `+` or `00`, a national leading 0). ' : '') +
    'Without `sort`, a name (letters only, a word of four or more) lists the closest names first (trigram similarity), the newest first among equals; other searches list the newest first',
  // Similarity of the whole name to `q`: the name typed (typos and all) outranks names that only
  // share a word with it, and matches in emails, phones or company names come after names.
  rank: (alias, q, bind) => `similarity(${typos(alias)}, contacts.search_norm(${bind(q)}))`,
  sql: (alias, q, bind) => {
    const digits = phones ? phoneDigits(q) : null;
    if (digits) return `(${searchText(alias)} LIKE ${bind(`%${digits}%`)})`;
    const like = `${searchText(alias)} LIKE contacts.search_norm(${bind(`%${escapeLike(q)}%`)}) ESCAPE '\\'`;
    const words = q.split(/\s+/).filter(Boolean).slice(0, MAX_TYPO_WORDS);
    if (!words.length) return `(${like})`;
    const word = (w: string) => {
      const b = bind(w);
      const close = `${typos(alias)} %> contacts.search_norm(${b})`;
      return editTypos ? `(${close} OR ${editTypos(alias, b)})` : close;
    };
    return `(${like} OR (${words.map(word).join(' AND ')}))`;
  },
});

/**
 * Contacts tolerate typos in the person's name (the contacts_full_name_trgm expression): word
 * similarity against the whole search text (emails, phones, company names) reads posting lists
 * of trigrams every e-mail and company shares and rechecks long texts, too slow at a million rows.
 */
const contactNameText = (alias: string) => `contacts.search_norm(coalesce("${alias}"."first_name", '') || ' ' || coalesce("${alias}"."last_name", ''))`;

/**
 * A word of four letters or more that is no name word also matches the names holding a name word
 * one edit away from it (a letter dropped, doubled, replaced, or two swapped: "Jonh", "Smtih",
 * "Dubios", which share too few trigrams with the name for `%>`). The name words come from
 * contacts.name_words (migration 1764300076000); the pattern is computed once per statement (a
 * scalar subquery) and read through the name's trigram index.
 */
const contactNameEdits: WordTypos = (alias, word) => `${contactNameText(alias)} ~ (SELECT contacts.name_typo_pattern('contact', contacts.search_norm(${word})))`;

/** The same for companies' names, read through the search text's trigram index (names and domains). */
const companyNameEdits: WordTypos = (alias, word) => `${searchText(alias)} ~ (SELECT contacts.name_typo_pattern('company', contacts.search_norm(${word})))`;

const address: Record<string, FieldSpecInput> = {
  street: { type: 'string', sortable: true },
  city: { type: 'string', sortable: true },
  region: { type: 'string', sortable: true },
  postalCode: { type: 'string', sortable: true },
  country: { type: 'string', ops: ['eq', 'ne', 'in', 'nin', 'isNull'], sortable: true, description: 'ISO 3166-1 alpha-2' },
};

const externalId: FieldSpecInput = { type: 'string', ops: ['eq', 'in', 'isNull'], description: 'the id in another system' };

const CONTACT_FIELDS: Record<string, FieldSpecInput> = {
  ...OWNED_RECORD_FIELDS,
  externalId,
  firstName: { type: 'string', sortable: true },
  lastName: { type: 'string', sortable: true },
  primaryEmail: { type: 'string', sortable: true, normalize: normalizeEmail },
  emails: { type: 'tags', column: 'email_keys', normalize: normalizeEmail, description: 'any of the contact\'s emails (matched case-insensitively)' },
  primaryPhone: { type: 'string', sortable: true, description: 'E.164' },
  phones: { type: 'tags', column: 'phone_keys', normalize: (v) => normalizePhone(v) ?? v, description: 'any of the contact\'s phones (international numbers in any format, stored E.164)' },
  jobTitle: { type: 'string', sortable: true },
  ...address,
  lifecycleStage: { type: 'enum', values: LIFECYCLE_STAGES, sortable: true },
  source: { type: 'string', sortable: true },
  tags: { type: 'tags' },
  companyId: { type: 'tags', column: 'company_ids', description: 'the id of a linked company' },
};

const COMPANY_FIELDS: Record<string, FieldSpecInput> = {
  ...OWNED_RECORD_FIELDS,
  externalId,
  name: { type: 'string', sortable: true, nullable: false },
  domains: { type: 'tags', normalize: normalizeDomain, description: 'any of the company\'s domains (matched without scheme, www. or case)' },
  industry: { type: 'string', sortable: true },
  employees: { type: 'number', sortable: true },
  annualRevenue: { type: 'numeric', column: 'annual_revenue_amount', sortable: true, description: 'the amount of annualRevenue' },
  annualRevenueCurrency: { type: 'string', ops: ['eq', 'ne', 'in', 'nin', 'isNull'], sortable: true },
  ...address,
  parentCompanyId: { type: 'uuid' },
  tags: { type: 'tags' },
};

const CONTACT_SEARCH = trigramSearch('names, emails, phones and company names', contactNameText, true, contactNameEdits);
const COMPANY_SEARCH = trigramSearch('names and domains', searchText, false, companyNameEdits);

/** Built-in fields only: what the repositories start from and what OpenAPI documents. */
export const CONTACT_LIST = defineListSpec({ resource: 'contacts', softDelete: true, fields: CONTACT_FIELDS, defaultSort: '-createdAt', textSearch: CONTACT_SEARCH });
export const COMPANY_LIST = defineListSpec({ resource: 'companies', softDelete: true, fields: COMPANY_FIELDS, defaultSort: '-createdAt', textSearch: COMPANY_SEARCH });

export const CUSTOM_FIELD_LIST = defineListSpec({
  resource: 'custom-fields',
  softDelete: true,
  defaultSort: 'createdAt',
  fields: {
    ...RECORD_FIELDS,
    entity: { type: 'enum', values: CUSTOM_FIELD_ENTITIES, sortable: true },
    key: { type: 'string', sortable: true },
    label: { type: 'string', sortable: true },
    type: { type: 'enum', values: CUSTOM_FIELD_TYPES, sortable: true },
    required: { type: 'boolean' },
  },
});

const cache = new Map<string, ListSpec>();

/**
 * The spec of one request: built-in fields plus `customFields.<key>` for every live definition.
 * Specs are pure functions of the definitions, so they are memoized by their signature.
 */
export function listSpecWithCustomFields(base: 'contacts' | 'companies', defs: readonly CustomFieldShape[]): ListSpec {
  if (!defs.length) return base === 'contacts' ? CONTACT_LIST : COMPANY_LIST;
  const signature = `${base}|${defs.map((d) => `${d.key}:${d.type}:${d.options.join(',')}`).join('|')}`;
  let spec = cache.get(signature);
  if (!spec) {
    spec = defineListSpec({
      resource: base,
      softDelete: true,
      defaultSort: '-createdAt',
      fields: { ...(base === 'contacts' ? CONTACT_FIELDS : COMPANY_FIELDS), ...customFieldSpecs(defs, 'custom_fields') },
      textSearch: base === 'contacts' ? CONTACT_SEARCH : COMPANY_SEARCH,
    });
    if (cache.size > 500) cache.clear();
    cache.set(signature, spec);
  }
  return spec;
}

/** How OpenAPI documents the custom-field filters and sorts of contacts and companies. */
export const CUSTOM_FIELD_FILTERS = {
  pattern: '^customFields\\.[A-Za-z0-9_]+(\\.currency)?$',
  description:
    '`customFields.<key>` of a live custom field definition (money: the amount; `customFields.<key>.currency`: the currency), with the operators of its type. Select and multiselect filters take any value, not only the current options: values of a removed option stay stored and can be found',
};
