import { invalid } from '../../../../platform/errors/domain-error';
import { CompanyInput } from '../../application/companies.service';
import { CompanyLink, PostalAddress } from '../../domain/contact.types';
import { addressOf, hasAddress, presentCustomFields, restoredCustomFields, sourceOf, united, unitedCustomFields } from './merge-plan';

/** Fields whose value the caller picks from one of the merged companies (default: the primary's, else the first duplicate's that has one). */
export const COMPANY_CHOOSABLE_FIELDS = ['name', 'industry', 'employees', 'annualRevenue', 'address', 'parentCompanyId'] as const;
export type CompanyChoosableField = (typeof COMPANY_CHOOSABLE_FIELDS)[number];
export type CompanyFieldChoices = Partial<Record<CompanyChoosableField, string>>;

/** What a merge reads of each company. */
export interface CompanyMergeSide extends PostalAddress {
  id: string;
  name: string;
  domains: string[];
  industry: string | null;
  employees: number | null;
  annualRevenueAmount: string | null;
  annualRevenueCurrency: string | null;
  parentCompanyId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
}

const revenueOf = (c: CompanyMergeSide) => (c.annualRevenueAmount !== null && c.annualRevenueCurrency !== null ? { amount: c.annualRevenueAmount, currency: c.annualRevenueCurrency } : null);

const hasValue = (c: CompanyMergeSide, field: Exclude<CompanyChoosableField, 'parentCompanyId'>): boolean =>
  field === 'address' ? hasAddress(c) : field === 'annualRevenue' ? revenueOf(c) !== null : c[field] !== null;

/**
 * The primary after the merge, its parent aside (see `resolveParent`): chosen (or first present)
 * fields, and the union of domains, tags and custom field values (of live definitions), the
 * primary's first and winning.
 */
export function mergedCompanyInput(
  primary: CompanyMergeSide,
  duplicates: readonly CompanyMergeSide[],
  choices: CompanyFieldChoices,
  liveCustomFields?: ReadonlySet<string>,
): CompanyInput {
  const all = [primary, ...duplicates];
  const pick = (field: Exclude<CompanyChoosableField, 'parentCompanyId'>) => sourceOf(all, choices[field], (c) => hasValue(c, field));
  return {
    name: pick('name').name,
    industry: pick('industry').industry,
    employees: pick('employees').employees,
    annualRevenue: revenueOf(pick('annualRevenue')),
    address: addressOf(pick('address')),
    domains: united(all.map((c) => c.domains)),
    tags: united(all.map((c) => c.tags)),
    customFields: unitedCustomFields(all, liveCustomFields),
  };
}

/** The input that puts a company back as its snapshot was (keys the merge added are cleared; the parent only when it changed). */
export function restoreCompanyInput(snapshot: CompanyMergeSide, current: CompanyMergeSide): CompanyInput {
  const input: CompanyInput = {
    name: snapshot.name,
    industry: snapshot.industry,
    employees: snapshot.employees,
    annualRevenue: revenueOf(snapshot),
    address: addressOf(snapshot),
    domains: [...snapshot.domains],
    tags: [...snapshot.tags],
    customFields: restoredCustomFields(snapshot, current),
  };
  if (snapshot.parentCompanyId !== current.parentCompanyId) input.parentCompanyId = snapshot.parentCompanyId;
  return input;
}

/** What an undo puts back on the primary (the fields of `restoreCompanyInput`), in a comparable form. */
export function undoableCompanyState(c: CompanyMergeSide): unknown {
  return {
    name: c.name,
    industry: c.industry,
    employees: c.employees,
    annualRevenue: revenueOf(c),
    address: addressOf(c),
    domains: c.domains,
    tags: c.tags,
    parentCompanyId: c.parentCompanyId,
    customFields: presentCustomFields(c.customFields),
  };
}

/** Where the primary's parent comes from: the chosen company's parent, else the first (primary first) that has one. */
export function parentSource(all: readonly CompanyMergeSide[], choices: CompanyFieldChoices): { parentId: string | null; chosen: boolean } {
  const from = sourceOf(all, choices.parentCompanyId, (c) => c.parentCompanyId !== null);
  return { parentId: from.parentCompanyId, chosen: choices.parentCompanyId !== undefined };
}

/**
 * The primary's parent after the merge. `chain` is the wanted parent followed by its ancestors
 * as they were before the merge. Merged companies are skipped (they become the primary, which
 * cannot be its own parent). A company now under the primary (it was a subsidiary of a
 * duplicate, or of the primary) would close a cycle: when the caller chose that parent it is a
 * 400; by default the primary takes the nearest ancestor above it instead, so a duplicate that
 * sat above the primary hands the primary its own place in the tree. A chosen parent that is
 * itself one of the merged companies would be the primary itself: a 400 too.
 */
export function resolveParent(chain: readonly string[], merged: ReadonlySet<string>, underPrimary: ReadonlySet<string>, chosen: boolean): string | null {
  if (chosen && chain.length && merged.has(chain[0])) throw invalid('fieldChoices.parentCompanyId', 'would make the company its own parent');
  for (const id of chain) {
    if (merged.has(id)) continue;
    if (!underPrimary.has(id)) return id;
    if (chosen) throw invalid('fieldChoices.parentCompanyId', 'would make the company its own ancestor');
  }
  return null;
}

/** One contact's links after its links to the duplicates moved to the primary, and what moved. */
export interface ContactLinkMove {
  contactId: string;
  /** The links to duplicates, as they were (company and role). */
  moved: CompanyLink[];
  /** Whether the contact was linked to the primary itself before the merge, and with which role. */
  hadPrimaryLink: boolean;
  primaryRole: string | null;
}

/**
 * Links to duplicates become one link to the primary: an existing link to the primary stays
 * (taking the first duplicate's role when it had none); otherwise the first duplicate link
 * becomes the primary's, in its place and with its role. Other links keep their order.
 */
export function relink(contactId: string, links: readonly CompanyLink[], duplicateIds: ReadonlySet<string>, primaryId: string): { links: CompanyLink[]; move: ContactLinkMove } {
  const own = links.find((l) => l.companyId === primaryId);
  const moved = links.filter((l) => duplicateIds.has(l.companyId));
  const firstRole = moved.find((l) => l.role !== null)?.role ?? null;
  const out: CompanyLink[] = [];
  for (const l of links) {
    if (l.companyId === primaryId) out.push({ companyId: primaryId, role: l.role ?? firstRole });
    else if (!duplicateIds.has(l.companyId)) out.push({ ...l });
    else if (!own && !out.some((o) => o.companyId === primaryId)) out.push({ companyId: primaryId, role: l.role ?? firstRole });
  }
  return { links: out, move: { contactId, moved: moved.map((l) => ({ ...l })), hadPrimaryLink: own !== undefined, primaryRole: own?.role ?? null } };
}

/**
 * The reverse of `relink` on the links as they are now: the duplicate links come back with their
 * roles, and the primary's link goes back to what it was (gone when the merge created it; later
 * links the contact gained are kept).
 */
export function unlink(links: readonly CompanyLink[], move: ContactLinkMove, primaryId: string): CompanyLink[] {
  const out: CompanyLink[] = [];
  const restored = move.moved.filter((m) => !links.some((l) => l.companyId === m.companyId));
  for (const l of links) {
    if (l.companyId !== primaryId) out.push({ ...l });
    else if (move.hadPrimaryLink) out.push({ companyId: primaryId, role: move.primaryRole });
    else out.push(...restored.splice(0));
  }
  out.push(...restored);
  return out;
}
