import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor } from '../../../../platform/access/actor';
import { AuditService } from '../../../../platform/audit/audit.service';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { CompanyLink } from '../../domain/contact.types';
import { contactSearchText } from '../../domain/normalize';
import { COMPANY_UPDATED, CONTACT_UPDATED } from '../../events/contacts.events';
import { CompanyEntity } from '../../persistence/company.entity';
import { ContactEntity } from '../../persistence/contact.entity';
import { ContactLinkMove, relink, unlink } from '../domain/company-merge.rules';

/** How far up or down a company tree a merge looks (company trees are shallow; this bounds a corrupt one). */
const MAX_DEPTH = 100;

/**
 * What points at a company from other rows of the contacts module: contacts' links and
 * subsidiaries' parent. A merge moves them whoever owns those rows (a link to a company in the
 * recycle bin would dangle), so they are written here without the caller's scope, each as a
 * versioned change with its audit entry and event, and the moves are returned as receipts.
 */
@Injectable()
export class CompanyReferencesRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  private get tx() {
    return this.txHost.tx;
  }

  /** Contacts (recycle bin included) linked to a duplicate are linked to the primary instead, keeping roles, one link each. */
  async moveContactLinks(actor: Actor, fromIds: readonly string[], toId: string): Promise<ContactLinkMove[]> {
    const from = new Set(fromIds);
    const changes = (await this.lockContacts(fromIds)).map((c) => ({ contact: c, ...relink(c.id, c.companyLinks, from, toId) }));
    await this.setLinks(actor, changes);
    return changes.map((x) => x.move);
  }

  /** Undo of `moveContactLinks`, on the links as they are now. */
  async moveBackContactLinks(actor: Actor, moves: readonly ContactLinkMove[], toId: string): Promise<void> {
    const byId = new Map(moves.map((m) => [m.contactId, m]));
    const contacts = await this.lockContactsById([...byId.keys()]);
    await this.setLinks(
      actor,
      contacts.map((c) => ({ contact: c, links: unlink(c.companyLinks, byId.get(c.id) as ContactLinkMove, toId) })),
    );
  }

  /** Subsidiaries of a duplicate (recycle bin included) become the primary's; the merged companies themselves stay as they are. */
  async moveSubsidiaries(actor: Actor, fromIds: readonly string[], toId: string, mergedIds: readonly string[]): Promise<{ companyId: string; fromId: string }[]> {
    const children: { id: string; parent_company_id: string }[] = await this.tx.query(
      `SELECT id, parent_company_id FROM contacts.companies WHERE parent_company_id = ANY($1::uuid[]) AND id <> ALL($2::uuid[]) ORDER BY id FOR UPDATE`,
      [[...fromIds], [...mergedIds]],
    );
    for (const child of children) await this.setParent(actor, child.id, child.parent_company_id, toId);
    return children.map((c) => ({ companyId: c.id, fromId: c.parent_company_id }));
  }

  /** Undo of `moveSubsidiaries`: a subsidiary still under the primary goes back under its duplicate. */
  async moveBackSubsidiaries(actor: Actor, moves: readonly { companyId: string; fromId: string }[], toId: string): Promise<void> {
    if (!moves.length) return;
    const still: { id: string }[] = await this.tx.query(`SELECT id FROM contacts.companies WHERE id = ANY($1::uuid[]) AND parent_company_id = $2 ORDER BY id FOR UPDATE`, [
      moves.map((m) => m.companyId),
      toId,
    ]);
    const ids = new Set(still.map((r) => r.id));
    for (const m of moves) if (ids.has(m.companyId)) await this.setParent(actor, m.companyId, toId, m.fromId);
  }

  /** The company and its ancestors, nearest first. */
  async selfAndAncestors(companyId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.query(
      `WITH RECURSIVE up(id, parent, depth) AS (
         SELECT id, parent_company_id, 1 FROM contacts.companies WHERE id = $1
         UNION ALL
         SELECT c.id, c.parent_company_id, up.depth + 1 FROM contacts.companies c JOIN up ON c.id = up.parent WHERE up.depth < $2
       )
       SELECT id FROM up ORDER BY depth`,
      [companyId, MAX_DEPTH],
    );
    return rows.map((r) => r.id);
  }

  /** The company and everything under it. */
  async selfAndDescendants(companyId: string): Promise<Set<string>> {
    const rows: { id: string }[] = await this.tx.query(
      `WITH RECURSIVE down(id, depth) AS (
         SELECT id, 1 FROM contacts.companies WHERE id = $1
         UNION
         SELECT c.id, down.depth + 1 FROM contacts.companies c JOIN down ON c.parent_company_id = down.id WHERE down.depth < $2
       )
       SELECT DISTINCT id FROM down`,
      [companyId, MAX_DEPTH],
    );
    return new Set(rows.map((r) => r.id));
  }

  private lockContacts(companyIds: readonly string[]): Promise<ContactEntity[]> {
    return this.tx
      .createQueryBuilder(ContactEntity, 'c')
      .withDeleted()
      .where(`"c"."company_ids" && CAST(:ids AS text[])`, { ids: [...companyIds] })
      .orderBy('"c"."id"')
      .setLock('pessimistic_write')
      .getMany();
  }

  private lockContactsById(ids: readonly string[]): Promise<ContactEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.tx.createQueryBuilder(ContactEntity, 'c').withDeleted().where(`"c"."id" = ANY(:ids)`, { ids: [...ids] }).orderBy('"c"."id"').setLock('pessimistic_write').getMany();
  }

  /** New links (and the derived ids and search text) on locked contacts: each a new version, audited, published. */
  private async setLinks(actor: Actor, changes: readonly { contact: ContactEntity; links: CompanyLink[] }[]): Promise<void> {
    const changed = changes.filter((x) => JSON.stringify(x.links) !== JSON.stringify(x.contact.companyLinks));
    const ids = [...new Set(changed.flatMap((x) => x.links.map((l) => l.companyId)))];
    const names: { id: string; name: string }[] = ids.length ? await this.tx.query(`SELECT id, name FROM contacts.companies WHERE id = ANY($1::uuid[])`, [ids]) : [];
    const nameOf = new Map(names.map((r) => [r.id, r.name]));
    for (const { contact: c, links } of changed) {
      const companyIds = links.map((l) => l.companyId);
      const searchText = contactSearchText({ ...c, companyNames: companyIds.map((id) => nameOf.get(id)).filter((n): n is string => !!n) });
      await this.tx.createQueryBuilder().update(ContactEntity).set({ companyLinks: links, companyIds, searchText }).where('"id" = :id', { id: c.id }).execute();
    }
    await this.audit.recordMany(changed.map(({ contact: c, links }) => ({ actor, resource: 'contacts', recordId: c.id, action: 'update', changes: { companyLinks: { from: c.companyLinks, to: links } } })));
    await this.outbox.publishMany(CONTACT_UPDATED, changed.map(({ contact: c }) => ({ contactId: c.id })));
  }

  private async setParent(actor: Actor, companyId: string, from: string, to: string): Promise<void> {
    await this.tx.createQueryBuilder().update(CompanyEntity).set({ parentCompanyId: to }).where('"id" = :id', { id: companyId }).execute();
    await this.audit.record({ actor, resource: 'companies', recordId: companyId, action: 'update', changes: { parentCompanyId: { from, to } } });
    await this.outbox.publish(COMPANY_UPDATED, { companyId });
  }
}
