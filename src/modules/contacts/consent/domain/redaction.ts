import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** What identifies a person in free text: their names, addresses and numbers as stored. */
export interface PersonIdentifiers {
  names: { firstName: string | null; lastName: string | null }[];
  emails: string[];
  phones: string[];
}

/** Letters with no decomposition that people still type without their mark. */
const FOLD_EXTRA: Readonly<Record<string, string>> = { ł: 'l', đ: 'd', ð: 'd', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i', þ: 'th', ħ: 'h', ŧ: 't' };

/** Shorter names would erase ordinary words (initials, "Al" in every sentence). */
const MIN_NAME_LENGTH = 2;
/** Fewer digits than this is a house number or a year, not a phone. */
const MIN_PHONE_DIGITS = 6;

const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';
const PHONE_SEPARATORS = '[\\s().\\-/]*';

/** Lower case without accents, and where each folded character came from in the original. */
function fold(text: string): { folded: string; starts: number[]; ends: number[] } {
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const plain = FOLD_EXTRA[lower] ?? lower.normalize('NFKD').replace(/\p{M}/gu, '');
    for (const c of plain) {
      folded += c;
      starts.push(at);
      ends.push(at + ch.length);
    }
    at += ch.length;
  }
  return { folded, starts, ends };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const foldedPattern = (s: string) => escape(fold(s.trim()).folded).replace(/\s+/g, '\\s+');
const digitsPattern = (digits: string) => digits.split('').join(PHONE_SEPARATORS);

function namePatterns(first: string | null, last: string | null, placeholder: string): string[] {
  const usable = (s: string | null): s is string => !!s && s.trim().length >= MIN_NAME_LENGTH && s.trim() !== placeholder;
  const out: string[] = [];
  if (usable(first) && usable(last)) {
    out.push(`${foldedPattern(first)}\\s+${foldedPattern(last)}`, `${foldedPattern(last)}\\s*,?\\s+${foldedPattern(first)}`);
  }
  for (const n of [first, last]) if (usable(n)) out.push(foldedPattern(n));
  return out.map((p) => `${NOT_WORD_BEFORE}${p}${NOT_WORD_AFTER}`);
}

function phonePatterns(phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return [];
  const out = [`(?:\\+|00)?${PHONE_SEPARATORS}${digitsPattern(digits)}`];
  // Written the national way (without the country code, maybe with a trunk 0).
  const national = parsePhoneNumberFromString(phone)?.nationalNumber;
  if (national && national !== digits && national.length >= MIN_PHONE_DIGITS) out.push(`0?${digitsPattern(national)}`);
  return out.map((p) => `(?<![\\d+])${p}(?!\\d)`);
}

/**
 * A function that replaces every mention of the person in a text with `replacement`: their
 * full name (either order), first and last names as whole words, each email and each phone
 * (international or national, spaced or not), whatever the case and accents ("Bērziņa",
 * "BERZINA"). Longer mentions win wherever two overlap, so "Anna Bērziņa" becomes one
 * replacement, not two, and "zoe@z.test" is replaced whole rather than the name in it.
 */
export function redactor(person: PersonIdentifiers, replacement: string): (text: string) => string {
  const patterns = [
    ...person.names.flatMap((n) => namePatterns(n.firstName, n.lastName, replacement)),
    ...person.emails.filter((e) => e.trim()).map((e) => `(?<![\\w.+-])${foldedPattern(e)}(?![\\w-])`),
    ...person.phones.flatMap(phonePatterns),
  ];
  const unique = [...new Set(patterns)].map((p) => new RegExp(p, 'gu'));
  if (!unique.length) return (text) => text;
  return (text) => {
    if (!text) return text;
    const { folded, starts, ends } = fold(text);
    // Each pattern on its own: one alternation would take whichever matches first at a position
    // (the name in "zoe@z.test"), not the longest mention there.
    const found: { from: number; to: number }[] = [];
    for (const re of unique) {
      for (const m of folded.matchAll(re)) {
        if (m[0].length) found.push({ from: starts[m.index], to: ends[m.index + m[0].length - 1] });
      }
    }
    if (!found.length) return text;
    found.sort((a, b) => b.to - b.from - (a.to - a.from) || a.from - b.from);
    const taken: { from: number; to: number }[] = [];
    for (const f of found) if (!taken.some((t) => f.from < t.to && t.from < f.to)) taken.push(f);
    taken.sort((a, b) => a.from - b.from);
    let out = '';
    let copied = 0;
    for (const t of taken) {
      out += text.slice(copied, t.from) + replacement;
      copied = t.to;
    }
    return out + text.slice(copied);
  };
}

/** The redaction applied to every string inside a JSON value (an audit diff, a list of attendees). */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  return value;
}
