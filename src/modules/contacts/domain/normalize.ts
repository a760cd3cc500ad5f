import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { FieldError } from '../../../platform/errors/domain-error';
import { ContactEmail, ContactPhone } from './contact.types';

/** Emails match case-insensitively everywhere we know of: one form for storage and matching. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A phone in E.164, or null when it is not a valid number. A national number needs a region:
 * the contact's country, when it has one.
 */
export function normalizePhone(raw: string, defaultCountry?: string | null): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), (defaultCountry ?? undefined) as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

export interface EmailInput {
  email: string;
  primary?: boolean;
  label?: string | null;
}

export interface PhoneInput {
  number: string;
  primary?: boolean;
  label?: string | null;
}

/** Exactly one primary (the first when none is marked), no address twice. */
export function normalizeEmails(input: readonly EmailInput[], at = 'emails'): { emails: ContactEmail[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const emails: ContactEmail[] = [];
  input.forEach((e, i) => {
    const email = normalizeEmail(e.email);
    if (seen.has(email)) errors.push({ field: `${at}[${i}].email`, message: 'is given twice' });
    seen.add(email);
    emails.push({ email, primary: e.primary === true, label: e.label ?? null });
  });
  return { emails: withOnePrimary(emails, at, errors), errors };
}

export function normalizePhones(input: readonly PhoneInput[], country: string | null | undefined, at = 'phones'): { phones: ContactPhone[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const phones: ContactPhone[] = [];
  input.forEach((p, i) => {
    const number = normalizePhone(p.number, country);
    if (!number) {
      errors.push({ field: `${at}[${i}].number`, message: country ? 'is not a valid phone number' : 'is not a valid phone number (national numbers need the contact\'s country or a +prefix)' });
      return;
    }
    if (seen.has(number)) errors.push({ field: `${at}[${i}].number`, message: 'is given twice' });
    seen.add(number);
    phones.push({ number, primary: p.primary === true, label: p.label ?? null });
  });
  return { phones: withOnePrimary(phones, at, errors), errors };
}

function withOnePrimary<T extends { primary: boolean }>(items: T[], at: string, errors: FieldError[]): T[] {
  const primaries = items.filter((x) => x.primary).length;
  if (primaries > 1) errors.push({ field: at, message: 'only one may be primary' });
  if (primaries === 0 && items.length) items[0] = { ...items[0], primary: true };
  return items;
}

/** Search text of a person: names, emails, phones (with and without +) and company names. */
export function contactSearchText(c: {
  firstName: string | null;
  lastName: string | null;
  emails: readonly ContactEmail[];
  phones: readonly ContactPhone[];
  companyNames: readonly string[];
}): string {
  return [c.firstName, c.lastName, ...c.emails.map((e) => e.email), ...c.phones.flatMap((p) => [p.number, p.number.slice(1)]), ...c.companyNames]
    .filter((s): s is string => !!s)
    .join(' ');
}

export function companySearchText(c: { name: string; domains: readonly string[] }): string {
  return [c.name, ...c.domains].join(' ');
}

/** Domains match without scheme, `www.` or trailing dot, in lower case. */
export function normalizeDomain(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
}
