import { CustomFieldShape, applyCustomValues } from '../../../platform/custom-fields/custom-field-types';
import { FieldError } from '../../../platform/errors/domain-error';
import { CompanyLink, ContactEmail, ContactPhone } from '../domain/contact.types';
import { contactSearchText, EmailInput, normalizeEmails, normalizePhones, PhoneInput } from '../domain/normalize';
import { ContactEntity } from '../persistence/contact.entity';

/** What a caller may write on a contact (the request DTO's shape, free of HTTP). */
export interface ContactInput {
  externalId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  emails?: EmailInput[] | null;
  phones?: PhoneInput[] | null;
  jobTitle?: string | null;
  address?: { street?: string | null; city?: string | null; region?: string | null; postalCode?: string | null; country?: string | null } | null;
  lifecycleStage?: string | null;
  source?: string | null;
  tags?: string[] | null;
  ownerId?: string | null;
  teamId?: string | null;
  customFields?: Record<string, unknown> | null;
  companies?: { companyId: string; role?: string | null }[] | null;
}

export type ContactData = Partial<Omit<ContactEntity, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'deletedAt'>>;

const text = (v: string | null | undefined): string | null | undefined => (v === undefined ? undefined : v === null ? null : v.trim() || null);

export function cleanTags(tags: readonly string[] | null | undefined): string[] | undefined {
  if (tags === undefined) return undefined;
  return [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))];
}

/**
 * Turns a create or a patch into column values: normalized emails and phones (with their match
 * keys and primaries), the address, tags, checked custom fields and company links, and the
 * search text. `readableCompanies` are the linked ids the caller may see; `companyNames` their names.
 */
export function contactData(
  input: ContactInput,
  current: ContactEntity | null,
  defs: readonly CustomFieldShape[],
  readableCompanies: ReadonlySet<string>,
  companyNames: ReadonlyMap<string, string>,
): { data: ContactData; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const data: ContactData = {};
  const creating = current === null;
  if (input.externalId !== undefined) data.externalId = text(input.externalId);
  if (input.firstName !== undefined) data.firstName = text(input.firstName);
  if (input.lastName !== undefined) data.lastName = text(input.lastName);
  if (input.jobTitle !== undefined) data.jobTitle = text(input.jobTitle);
  if (input.source !== undefined) data.source = text(input.source);
  if (input.lifecycleStage !== undefined) data.lifecycleStage = input.lifecycleStage;
  if (input.ownerId !== undefined) data.ownerId = input.ownerId;
  if (input.teamId !== undefined) data.teamId = input.teamId;
  if (input.address !== undefined) {
    const a = input.address ?? {};
    data.street = text(a.street) ?? null;
    data.city = text(a.city) ?? null;
    data.region = text(a.region) ?? null;
    data.postalCode = text(a.postalCode) ?? null;
    data.country = a.country ? a.country.toUpperCase() : null;
  }
  const tags = cleanTags(input.tags);
  if (tags) data.tags = tags;

  let emails: ContactEmail[] = current?.emails ?? [];
  if (input.emails !== undefined) {
    const r = normalizeEmails(input.emails ?? []);
    errors.push(...r.errors);
    emails = r.emails;
    data.emails = emails;
    data.emailKeys = emails.map((e) => e.email);
    data.primaryEmail = emails.find((e) => e.primary)?.email ?? null;
  }
  let phones: ContactPhone[] = current?.phones ?? [];
  if (input.phones !== undefined) {
    const country = data.country !== undefined ? data.country : (current?.country ?? null);
    const r = normalizePhones(input.phones ?? [], country);
    errors.push(...r.errors);
    phones = r.phones;
    data.phones = phones;
    data.phoneKeys = phones.map((p) => p.number);
    data.primaryPhone = phones.find((p) => p.primary)?.number ?? null;
  }
  let links: CompanyLink[] = current?.companyLinks ?? [];
  if (input.companies !== undefined) {
    links = [];
    const seen = new Set<string>();
    (input.companies ?? []).forEach((l, i) => {
      const id = l.companyId.toLowerCase();
      if (seen.has(id)) errors.push({ field: `companies[${i}].companyId`, message: 'is given twice' });
      else if (!readableCompanies.has(id)) errors.push({ field: `companies[${i}].companyId`, message: 'is not a company you can see' });
      seen.add(id);
      links.push({ companyId: id, role: text(l.role) ?? null });
    });
    data.companyLinks = links;
    data.companyIds = links.map((l) => l.companyId);
  }
  if (input.customFields !== undefined || creating) {
    const r = applyCustomValues(defs, current?.customFields ?? {}, input.customFields ?? undefined, creating);
    errors.push(...r.problems);
    data.customFields = r.values;
  }
  const firstName = data.firstName !== undefined ? data.firstName : (current?.firstName ?? null);
  const lastName = data.lastName !== undefined ? data.lastName : (current?.lastName ?? null);
  if (!firstName && !lastName && !emails.length) {
    errors.push({ field: creating ? 'firstName' : 'emails', message: 'a contact needs a first name, a last name or an email' });
  }
  data.searchText = contactSearchText({
    firstName,
    lastName,
    emails,
    phones,
    companyNames: links.map((l) => companyNames.get(l.companyId)).filter((n): n is string => !!n),
  });
  return { data, errors };
}
