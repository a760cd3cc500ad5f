import { createHash } from 'node:crypto';
import { invalid } from '../../../../platform/errors/domain-error';
import { PostalAddress } from '../../domain/contact.types';

/** How many records one merge folds into its primary (contacts and companies alike). */
export const MAX_DUPLICATES = 10;

/** A merge as asked: the record that stays, the ones folded into it, and per field the record whose value it keeps. */
export interface MergeCommand<F extends string = string> {
  primaryId: string;
  duplicateIds: string[];
  fieldChoices?: Partial<Record<F, string>>;
}

export interface MergePlan<F extends string = string> {
  primaryId: string;
  duplicateIds: string[];
  choices: Partial<Record<F, string>>;
}

/**
 * The command with ids lower-cased. The primary may not be among the duplicates, no duplicate
 * may be named twice (in any case: a repeat is a mistake in the caller's list, not something to
 * guess at), and a field choice must name the primary or one of the duplicates (400 naming it).
 */
export function planMerge<F extends string>(cmd: MergeCommand<F>): MergePlan<F> {
  const primaryId = cmd.primaryId.toLowerCase();
  const duplicateIds = cmd.duplicateIds.map((id) => id.toLowerCase());
  if (duplicateIds.includes(primaryId)) throw invalid('duplicateIds', 'must not include the primary');
  if (new Set(duplicateIds).size !== duplicateIds.length) throw invalid('duplicateIds', 'must not name the same id twice');
  const choices: Partial<Record<F, string>> = {};
  for (const [field, id] of Object.entries(cmd.fieldChoices ?? {}) as [F, string | undefined][]) {
    if (id === undefined) continue;
    const lowered = id.toLowerCase();
    if (lowered !== primaryId && !duplicateIds.includes(lowered)) throw invalid(`fieldChoices.${field}`, 'must be the primary or one of the duplicates');
    choices[field] = lowered;
  }
  return { primaryId, duplicateIds, choices };
}

/** The record a field's value comes from: the chosen one, else the first (primary first) that has a value, else the primary. */
export function sourceOf<S extends { id: string }>(all: readonly S[], chosenId: string | undefined, has: (s: S) => boolean): S {
  const found = chosenId ? all.find((s) => s.id === chosenId) : all.find(has);
  return found ?? all[0];
}

export const addressOf = (c: PostalAddress): PostalAddress => ({ street: c.street, city: c.city, region: c.region, postalCode: c.postalCode, country: c.country });

export const hasAddress = (c: PostalAddress): boolean => Object.values(addressOf(c)).some((v) => v !== null);

/** The union of string lists, in order of first appearance. */
export function united(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * The custom field values the primary gains, as a patch merged by key into what it stores: per
 * key it lacks, the first duplicate's non-null value. Its own values (those of removed
 * definitions too) stay as they are; a duplicate's value of a removed definition is not carried
 * (it stays on the duplicate, which an undo brings back). `liveKeys` absent: every key is live.
 */
export function unitedCustomFields(all: readonly { customFields: Record<string, unknown> }[], liveKeys?: ReadonlySet<string>): Record<string, unknown> {
  const [primary, ...duplicates] = all;
  const wanted = (k: string) => (primary.customFields[k] === undefined || primary.customFields[k] === null) && (!liveKeys || liveKeys.has(k));
  const out: Record<string, unknown> = {};
  for (const side of duplicates) for (const [k, v] of Object.entries(side.customFields)) if (wanted(k) && out[k] === undefined && v !== null) out[k] = v;
  return out;
}

/** The patch that puts the snapshot's custom field values back: changed keys get their old value, keys the merge added are cleared. */
export function restoredCustomFields(snapshot: { customFields: Record<string, unknown> }, current: { customFields: Record<string, unknown> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current.customFields)) {
    const old = snapshot.customFields[k];
    if (old === undefined || old === null) {
      if (v !== null) out[k] = null;
    } else if (JSON.stringify(old) !== JSON.stringify(v)) out[k] = old;
  }
  return out;
}

/** Custom field values as a comparable whole: keys sorted, cleared (null) keys left out, as an undo clears a key. */
export function presentCustomFields(values: Record<string, unknown>): [string, unknown][] {
  return Object.entries(values)
    .filter(([, v]) => v !== null && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A fingerprint of what an undo would put back on the primary (`state`, built by the subject's
 * rules), salted with the merge's id. The merge row keeps the fingerprint of the primary as the
 * merge left it rather than a copy: a copy would be one more place holding the person's data.
 */
export function stateDigest(mergeId: string, state: unknown): string {
  return createHash('sha256').update(`${mergeId}\n${JSON.stringify(state)}`).digest('hex');
}
