import { Injectable } from '@nestjs/common';
import { Actor } from '../../../platform/access/actor';
import { badRequest } from '../../../platform/errors/domain-error';
import { CursorCodec } from '../../../platform/query/cursor';
import { DEFAULT_LIMIT, MAX_LIMIT, Page } from '../../../platform/query/list-query';
import { CompanyRepository } from '../persistence/company.repository';
import { ContactRepository } from '../persistence/contact.repository';

export interface TagCount {
  name: string;
  contacts: number;
  companies: number;
}

export interface TagQuery {
  limit?: string;
  cursor?: string;
  q?: string;
}

const SIGNATURE = 'tags:name';

/**
 * Tags are values on contacts and companies (text[]), not records of their own: the list is
 * their union, by name (byte order), with how many records the caller may see carry each.
 */
@Injectable()
export class TagsService {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyRepository,
    private readonly cursors: CursorCodec,
  ) {}

  /** `raw` is the query string object: limit, cursor and q, each at most once; nothing else. */
  async list(actor: Actor, raw: unknown): Promise<Page<TagCount>> {
    const given = (raw ?? {}) as Record<string, unknown>;
    for (const [key, v] of Object.entries(given)) {
      const at = key.slice(0, 100);
      if (key !== 'limit' && key !== 'cursor' && key !== 'q') throw badRequest(`Unknown query parameter ${at}.`, [{ field: at, message: 'is not a known query parameter' }], 'INVALID_QUERY');
      if (typeof v !== 'string' || v.length > 2048 || v.includes('\u0000')) {
        throw badRequest(`${key} must be given once, as text.`, [{ field: key, message: 'must be given once, as text' }], 'INVALID_QUERY');
      }
    }
    const query = given as TagQuery;
    const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
    if (!/^\d{1,6}$/.test(query.limit ?? '1') || limit < 1 || limit > MAX_LIMIT) {
      throw badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}.`, [{ field: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT}` }], 'INVALID_QUERY');
    }
    const after = query.cursor ? this.cursors.decode(query.cursor, SIGNATURE, 1)[0] : null;
    const prefix = query.q?.trim() || null;
    const opts = { after, prefix, limit: limit + 1 };
    const [contacts, companies] = [await this.contacts.tagCounts(actor, opts), await this.companies.tagCounts(actor, opts)];
    // Names up to the smallest last name of a list that was cut are complete in both lists.
    const cuts = [contacts, companies].filter((l) => l.length > limit).map((l) => l[l.length - 1].tag);
    const bound = cuts.length ? cuts.sort(byteOrder)[0] : null;
    const merged = new Map<string, TagCount>();
    for (const r of contacts) merged.set(r.tag, { name: r.tag, contacts: r.count, companies: 0 });
    for (const r of companies) merged.set(r.tag, { name: r.tag, contacts: merged.get(r.tag)?.contacts ?? 0, companies: r.count });
    const names = [...merged.keys()].sort(byteOrder).filter((n) => bound === null || byteOrder(n, bound) <= 0);
    const data = names.slice(0, limit).map((n) => merged.get(n) as TagCount);
    const hasMore = names.length > limit || bound !== null;
    const last = data[data.length - 1];
    return { data, page: { hasMore: hasMore && !!last, nextCursor: hasMore && last ? this.cursors.encode(SIGNATURE, [last.name]) : null } };
  }
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
