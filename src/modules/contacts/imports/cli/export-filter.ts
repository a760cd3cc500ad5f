import { UsageError } from '../../../../platform/ops/cli/cli-command';

/** List parameters an export takes as they are. */
const PASS_THROUGH = new Set(['sort', 'q']);
/** Paging and format belong to the list and the HTTP route; an export writes every matching row as CSV. */
const NOT_FOR_EXPORT = new Set(['limit', 'cursor', 'format']);
/** `city` or `tags[in]`: a field, and an operator (default `eq`). */
const SHORT_FILTER = /^([^[\]]+)(?:\[([^[\]]*)\])?$/;

export type ExportQuery = Record<string, string | string[]>;

/**
 * Turns `--filter` (a query string) into the list query `GET /<entity>/export` receives.
 * Both the API's form and a shorter one are accepted, and may be mixed:
 *
 *   filter[city][eq]=Berlin&filter[tags][in]=vip,key   (the API's, as in a URL)
 *   city=Berlin&tags[in]=vip,key&sort=lastName&q=anna  (field=value is `eq`)
 *
 * Values are URL-encoded (`%26` for an `&` inside a value). What a field or operator means is
 * checked later, by the same parser as the API's, so both answer a mistake alike.
 */
export function exportQueryFromFilter(filter: string | undefined): ExportQuery {
  const query: ExportQuery = {};
  if (filter === undefined) return query;
  for (const [key, value] of new URLSearchParams(filter.startsWith('?') ? filter.slice(1) : filter)) {
    if (NOT_FOR_EXPORT.has(key)) throw new UsageError(`--filter: "${key}" does not apply to an export, which writes every matching row as CSV.`);
    let target = key;
    if (!PASS_THROUGH.has(key) && !key.startsWith('filter[')) {
      const m = SHORT_FILTER.exec(key);
      if (!m) throw new UsageError(`--filter: "${key.slice(0, 100)}" is not <field>=<value>, <field>[<op>]=<value> or filter[<field>][<op>]=<value>.`);
      target = `filter[${m[1]}][${m[2] ?? 'eq'}]`;
    }
    const before = query[target];
    // Given twice, a parameter reaches the parser as a list, which it refuses by name (as over HTTP).
    query[target] = before === undefined ? value : ([] as string[]).concat(before, value);
  }
  return query;
}
