/**
 * What an import's receipt (contacts.import_changes) keeps of the records it wrote, beside the
 * before-image of an updated one: `after`, the columns it changed with the values it wrote, and
 * under FINGERPRINT_KEY a fingerprint of the record as the import left it. A revert deletes a
 * record the import created only while its fingerprint is unchanged (nobody changed the record
 * since, or a change since was undone, say by reverting a later import).
 */
export const FINGERPRINT_KEY = '#fingerprint';

/** Left out of the fingerprint: identity, bookkeeping, and the search text (a linked company's rename changes it). */
const UNFINGERPRINTED = ['id', 'created_at', 'updated_at', 'version', 'deleted_at', 'search_text'];

/** The fingerprint of a record given as jsonb (`to_jsonb(row)`): the same for the same values. */
export function recordFingerprintSql(rowJson: string): string {
  return `md5(((${rowJson}) - '{${UNFINGERPRINTED.join(',')}}'::text[])::text)`;
}

/** `{ "#fingerprint": … }` of a record given as jsonb. */
export function fingerprintObjectSql(rowJson: string): string {
  return `jsonb_build_object('${FINGERPRINT_KEY}', ${recordFingerprintSql(rowJson)})`;
}
