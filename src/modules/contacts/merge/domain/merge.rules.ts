import { ContactInput } from '../../application/contact-input';
import { CompanyLink, ContactEmail, ContactPhone, PostalAddress } from '../../domain/contact.types';
import { addressOf, hasAddress, presentCustomFields, restoredCustomFields, sourceOf, united, unitedCustomFields } from './merge-plan';

/** Fields whose value the caller picks from one of the merged contacts (default: the primary's, else the first duplicate's that has one). */
export const CHOOSABLE_FIELDS = ['firstName', 'lastName', 'jobTitle', 'address', 'lifecycleStage', 'source'] as const;
export type ChoosableField = (typeof CHOOSABLE_FIELDS)[number];
export type FieldChoices = Partial<Record<ChoosableField, string>>;

/** What a merge reads of each contact. */
export interface MergeSide extends PostalAddress {
  id: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  lifecycleStage: string | null;
  source: string | null;
  emails: ContactEmail[];
  phones: ContactPhone[];
  tags: string[];
  companyLinks: CompanyLink[];
  customFields: Record<string, unknown>;
}

const hasValue = (c: MergeSide, field: ChoosableField) => (field === 'address' ? hasAddress(c) : c[field] !== null);

/**
 * The primary after the merge: chosen (or first present) scalar fields, and the union of emails,
 * phones, tags, company links and custom field values (of live definitions), the primary's
 * entries first and winning.
 */
export function mergedInput(primary: MergeSide, duplicates: readonly MergeSide[], choices: FieldChoices, liveCustomFields?: ReadonlySet<string>): ContactInput {
  const all = [primary, ...duplicates];
  const input: ContactInput = {};
  for (const field of CHOOSABLE_FIELDS) {
    const from = sourceOf(all, choices[field], (c) => hasValue(c, field));
    if (field === 'address') input.address = addressOf(from);
    else input[field] = from[field];
  }
  const emails = new Map<string, { email: string; primary: boolean; label: string | null }>();
  const phones = new Map<string, { number: string; primary: boolean; label: string | null }>();
  const links = new Map<string, { companyId: string; role: string | null }>();
  for (const c of all) {
    const isPrimary = c === primary;
    for (const e of c.emails) if (!emails.has(e.email.toLowerCase())) emails.set(e.email.toLowerCase(), { email: e.email, primary: isPrimary && e.primary, label: e.label });
    for (const p of c.phones) if (!phones.has(p.number)) phones.set(p.number, { number: p.number, primary: isPrimary && p.primary, label: p.label });
    for (const l of c.companyLinks) if (!links.has(l.companyId)) links.set(l.companyId, { companyId: l.companyId, role: l.role });
  }
  input.emails = [...emails.values()];
  input.phones = [...phones.values()];
  input.companies = [...links.values()];
  input.tags = united(all.map((c) => c.tags));
  input.customFields = unitedCustomFields(all, liveCustomFields);
  return input;
}

/** The input that puts a contact back as its snapshot was (keys the merge added are cleared). */
export function restoreInput(snapshot: MergeSide, current: MergeSide): ContactInput {
  return {
    firstName: snapshot.firstName,
    lastName: snapshot.lastName,
    jobTitle: snapshot.jobTitle,
    address: addressOf(snapshot),
    lifecycleStage: snapshot.lifecycleStage,
    source: snapshot.source,
    emails: snapshot.emails.map((e) => ({ email: e.email, primary: e.primary, label: e.label })),
    phones: snapshot.phones.map((p) => ({ number: p.number, primary: p.primary, label: p.label })),
    companies: snapshot.companyLinks.map((l) => ({ companyId: l.companyId, role: l.role })),
    tags: [...snapshot.tags],
    customFields: restoredCustomFields(snapshot, current),
  };
}

/**
 * What an undo puts back on the primary (the fields of `restoreInput`), in a comparable form: an
 * undo is safe while this is what the merge left, whatever else bumped the version since.
 */
export function undoableState(c: MergeSide): unknown {
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    jobTitle: c.jobTitle,
    address: addressOf(c),
    lifecycleStage: c.lifecycleStage,
    source: c.source,
    emails: c.emails.map((e) => [e.email, e.primary, e.label ?? null]),
    phones: c.phones.map((p) => [p.number, p.primary, p.label ?? null]),
    companyLinks: c.companyLinks.map((l) => [l.companyId, l.role ?? null]),
    tags: c.tags,
    customFields: presentCustomFields(c.customFields),
  };
}
