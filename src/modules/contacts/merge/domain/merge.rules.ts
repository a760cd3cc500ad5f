import { ContactInput } from '../../application/contact-input';
import { CompanyLink, ContactEmail, ContactPhone } from '../../domain/contact.types';

/** Fields whose value the caller picks from one of the merged contacts (default: the primary's, else the first duplicate's that has one). */
export const CHOOSABLE_FIELDS = ['firstName', 'lastName', 'jobTitle', 'address', 'lifecycleStage', 'source'] as const;
export type ChoosableField = (typeof CHOOSABLE_FIELDS)[number];
export type FieldChoices = Partial<Record<ChoosableField, string>>;

/** What a merge reads of each contact. */
export interface MergeSide {
  id: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  lifecycleStage: string | null;
  source: string | null;
  emails: ContactEmail[];
  phones: ContactPhone[];
  tags: string[];
  companyLinks: CompanyLink[];
  customFields: Record<string, unknown>;
}

const addressOf = (c: MergeSide) => ({ street: c.street, city: c.city, region: c.region, postalCode: c.postalCode, country: c.country });
const hasValue = (c: MergeSide, field: ChoosableField) => (field === 'address' ? Object.values(addressOf(c)).some((v) => v !== null) : c[field] !== null);

/**
 * The primary after the merge: chosen (or first present) scalar fields, and the union of emails,
 * phones, tags, company links and custom field values, the primary's entries first and winning.
 */
export function mergedInput(primary: MergeSide, duplicates: readonly MergeSide[], choices: FieldChoices): ContactInput {
  const all = [primary, ...duplicates];
  const input: ContactInput = {};
  for (const field of CHOOSABLE_FIELDS) {
    const source = choices[field] ? all.find((c) => c.id === choices[field]) : all.find((c) => hasValue(c, field));
    const from = source ?? primary;
    if (field === 'address') input.address = addressOf(from);
    else input[field] = from[field];
  }
  const emails = new Map<string, { email: string; primary: boolean; label: string | null }>();
  const phones = new Map<string, { number: string; primary: boolean; label: string | null }>();
  const links = new Map<string, { companyId: string; role: string | null }>();
  const tags = new Set<string>();
  const customFields: Record<string, unknown> = {};
  for (const c of all) {
    const isPrimary = c === primary;
    for (const e of c.emails) if (!emails.has(e.email.toLowerCase())) emails.set(e.email.toLowerCase(), { email: e.email, primary: isPrimary && e.primary, label: e.label });
    for (const p of c.phones) if (!phones.has(p.number)) phones.set(p.number, { number: p.number, primary: isPrimary && p.primary, label: p.label });
    for (const l of c.companyLinks) if (!links.has(l.companyId)) links.set(l.companyId, { companyId: l.companyId, role: l.role });
    for (const t of c.tags) tags.add(t);
    for (const [k, v] of Object.entries(c.customFields)) if (customFields[k] === undefined && v !== null) customFields[k] = v;
  }
  input.emails = [...emails.values()];
  input.phones = [...phones.values()];
  input.companies = [...links.values()];
  input.tags = [...tags];
  input.customFields = customFields;
  return input;
}

/** The input that puts a contact back as its snapshot was (keys the merge added are cleared). */
export function restoreInput(snapshot: MergeSide, current: MergeSide): ContactInput {
  const customFields: Record<string, unknown> = { ...snapshot.customFields };
  for (const k of Object.keys(current.customFields)) if (!(k in customFields)) customFields[k] = null;
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
    customFields,
  };
}
