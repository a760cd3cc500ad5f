import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { CompanyEntity } from '../../persistence/company.entity';
import { ContactEntity } from '../../persistence/contact.entity';

/** How several values share one cell (emails, phones, tags, multiselect options). */
export const LIST_SEPARATOR = ';';

/**
 * A value of a list cell with a backslash before each `;`, line break and backslash it holds, so
 * that the import (splitList) reads it back as one value: the tags `a;b` and `c,d` are the cell
 * `a\;b;c,d`. A value without them (nearly all) is written as it is.
 */
export const escapeListValue = (value: string): string => (/[;\n\\]/.test(value) ? value.replace(/[;\n\\]/g, (c) => `\\${c}`) : value);

/** One column of an export: its header and how a record fills it (null: an empty cell). */
export interface CsvColumn<E> {
  header: string;
  value: (e: E) => string | null;
}

type CellSource = string | number | boolean | Date | null | undefined;

const cell = (v: CellSource): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
const list = (values: readonly string[]): string | null => (values.length ? values.map(escapeListValue).join(LIST_SEPARATOR) : null);

/** The columns every owned record ends with: who owns it and when it changed. */
function recordColumns<E extends ContactEntity | CompanyEntity>(): CsvColumn<E>[] {
  return [
    { header: 'ownerId', value: (e) => cell(e.ownerId) },
    { header: 'teamId', value: (e) => cell(e.teamId) },
    { header: 'createdAt', value: (e) => cell(e.createdAt) },
    { header: 'updatedAt', value: (e) => cell(e.updatedAt) },
  ];
}

const CONTACT_COLUMNS: CsvColumn<ContactEntity>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'externalId', value: (e) => cell(e.externalId) },
  { header: 'firstName', value: (e) => cell(e.firstName) },
  { header: 'lastName', value: (e) => cell(e.lastName) },
  { header: 'primaryEmail', value: (e) => cell(e.primaryEmail) },
  { header: 'emails', value: (e) => list(e.emails.map((x) => x.email)) },
  { header: 'primaryPhone', value: (e) => cell(e.primaryPhone) },
  { header: 'phones', value: (e) => list(e.phones.map((x) => x.number)) },
  { header: 'jobTitle', value: (e) => cell(e.jobTitle) },
  { header: 'street', value: (e) => cell(e.street) },
  { header: 'city', value: (e) => cell(e.city) },
  { header: 'region', value: (e) => cell(e.region) },
  { header: 'postalCode', value: (e) => cell(e.postalCode) },
  { header: 'country', value: (e) => cell(e.country) },
  { header: 'lifecycleStage', value: (e) => cell(e.lifecycleStage) },
  { header: 'source', value: (e) => cell(e.source) },
  { header: 'tags', value: (e) => list(e.tags) },
  { header: 'companyIds', value: (e) => list(e.companyIds) },
  ...recordColumns<ContactEntity>(),
];

const COMPANY_COLUMNS: CsvColumn<CompanyEntity>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'externalId', value: (e) => cell(e.externalId) },
  { header: 'name', value: (e) => e.name },
  { header: 'domains', value: (e) => list(e.domains) },
  { header: 'industry', value: (e) => cell(e.industry) },
  { header: 'employees', value: (e) => cell(e.employees) },
  { header: 'annualRevenue', value: (e) => cell(e.annualRevenueAmount) },
  { header: 'annualRevenueCurrency', value: (e) => cell(e.annualRevenueCurrency) },
  { header: 'street', value: (e) => cell(e.street) },
  { header: 'city', value: (e) => cell(e.city) },
  { header: 'region', value: (e) => cell(e.region) },
  { header: 'postalCode', value: (e) => cell(e.postalCode) },
  { header: 'country', value: (e) => cell(e.country) },
  { header: 'parentCompanyId', value: (e) => cell(e.parentCompanyId) },
  { header: 'tags', value: (e) => list(e.tags) },
  ...recordColumns<CompanyEntity>(),
];

/** The cell of one stored custom value; values of a deleted definition are never read. */
function customCell(def: CustomFieldShape, stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  if (def.type === 'multiselect') return Array.isArray(stored) ? list(stored.map(String)) : null;
  if (def.type === 'money') return typeof stored === 'object' ? cell((stored as { amount?: string }).amount) : null;
  return typeof stored === 'object' ? JSON.stringify(stored) : cell(stored as CellSource);
}

/**
 * `cf_<key>` per live definition, in key order; money adds `cf_<key>.currency` (a dot cannot
 * appear in a key, so it never collides with another field's column).
 */
function customColumns<E extends { customFields: Record<string, unknown> }>(defs: readonly CustomFieldShape[]): CsvColumn<E>[] {
  return defs.flatMap((def): CsvColumn<E>[] => {
    const base: CsvColumn<E> = { header: `cf_${def.key}`, value: (e) => customCell(def, e.customFields[def.key]) };
    if (def.type !== 'money') return [base];
    return [base, { header: `cf_${def.key}.currency`, value: (e) => cell((e.customFields[def.key] as { currency?: string } | undefined)?.currency) }];
  });
}

export function contactColumns(defs: readonly CustomFieldShape[]): CsvColumn<ContactEntity>[] {
  return [...CONTACT_COLUMNS, ...customColumns<ContactEntity>(defs)];
}

export function companyColumns(defs: readonly CustomFieldShape[]): CsvColumn<CompanyEntity>[] {
  return [...COMPANY_COLUMNS, ...customColumns<CompanyEntity>(defs)];
}
