import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor } from '../access/actor';
import { newId } from '../database/columns';
import { notFound } from '../errors/domain-error';
import { CursorCodec } from '../query/cursor';
import { ListQuery, Page } from '../query/list-query';
import { defineListSpec } from '../query/list-spec';
import { fetchPage } from '../query/paginate';
import { NotificationEntity } from './notification.entity';

export const NOTIFICATION_LIST_SPEC = defineListSpec({
  resource: 'notifications',
  defaultSort: '-createdAt',
  fields: {
    id: { type: 'uuid', sortable: true, nullable: false, ops: ['eq', 'in'] },
    createdAt: { type: 'timestamp', sortable: true, nullable: false },
    kind: { type: 'string', nullable: false, ops: ['eq', 'in', 'startsWith'] },
    resource: { type: 'string', ops: ['eq', 'in'] },
    recordId: { type: 'uuid', ops: ['eq', 'in'] },
    readAt: { type: 'timestamp', sortable: true, description: 'filter[readAt][isNull]=true lists unread notifications' },
  },
});

export interface NotifyCommand {
  userId: string;
  kind: string;
  title: string;
  body?: string | null;
  resource?: string | null;
  recordId?: string | null;
  /** Same key, one notification: pass one derived from what causes it (job, record, time). */
  dedupeKey?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Notifications of users. Any module notifies (inside its own transaction, so the notification
 * exists if and only if the change does); a user reads and marks only their own.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cursors: CursorCodec,
  ) {}

  /** Adds a notification; with a dedupeKey already used, returns the existing one. */
  @Transactional()
  async notify(cmd: NotifyCommand): Promise<NotificationEntity> {
    const repo = this.txHost.tx.getRepository(NotificationEntity);
    const id = newId();
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        id,
        userId: cmd.userId,
        kind: cmd.kind,
        title: cmd.title.slice(0, 300),
        body: cmd.body ?? null,
        resource: cmd.resource ?? null,
        recordId: cmd.recordId ?? null,
        dedupeKey: cmd.dedupeKey ?? null,
      })
      .orIgnore()
      .execute();
    const found = cmd.dedupeKey ? await repo.findOneBy({ dedupeKey: cmd.dedupeKey }) : await repo.findOneBy({ id });
    if (!found) throw new Error('notification vanished inside its own transaction');
    return found;
  }

  /**
   * Erasure of personal data: the notifications about these records (`resource` and ids), any
   * user's, get their title and body through `rewrite` (which blanks the text, or the person's
   * mentions in it), in the caller's transaction. Returns how many changed.
   */
  async rewriteAbout(resource: string, recordIds: readonly string[], rewrite: (text: string) => string): Promise<number> {
    if (!recordIds.length) return 0;
    const rows: { id: string; title: string; body: string | null }[] = await this.txHost.tx.query(
      `SELECT id, title, body FROM platform.notifications WHERE resource = $1 AND record_id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [resource, [...recordIds]],
    );
    let changed = 0;
    for (const n of rows) {
      const title = rewrite(n.title).slice(0, 300);
      const body = n.body === null ? null : rewrite(n.body);
      if (title === n.title && body === n.body) continue;
      await this.txHost.tx.query(`UPDATE platform.notifications SET title = $2, body = $3, updated_at = now() WHERE id = $1`, [n.id, title, body]);
      changed++;
    }
    return changed;
  }

  /** The caller's own notifications (an API key reads those of the user who created it; the system has none). */
  async list(actor: Actor, query: ListQuery): Promise<Page<NotificationEntity>> {
    const qb = this.txHost.tx.createQueryBuilder(NotificationEntity, 'n').where('n.user_id = :user', { user: actor.userId });
    if (!actor.userId) qb.andWhere('FALSE');
    return fetchPage(qb, 'n', NOTIFICATION_LIST_SPEC, query, this.cursors);
  }

  /** Any notification by id, for the jobs that deliver it (no caller, no scope). */
  async findById(id: string): Promise<NotificationEntity | null> {
    return UUID.test(id) ? this.txHost.tx.getRepository(NotificationEntity).findOneBy({ id }) : null;
  }

  async get(actor: Actor, id: string): Promise<NotificationEntity> {
    const found = UUID.test(id) && actor.userId ? await this.txHost.tx.getRepository(NotificationEntity).findOneBy({ id, userId: actor.userId }) : null;
    if (!found) throw notFound('notification');
    return found;
  }

  /** Marks read (or unread again). Marking twice keeps the first read time. */
  @Transactional()
  async markRead(actor: Actor, id: string, read: boolean): Promise<NotificationEntity> {
    const current = await this.get(actor, id);
    if (read !== (current.readAt !== null)) {
      await this.txHost.tx
        .getRepository(NotificationEntity)
        .update({ id: current.id }, { readAt: read ? () => 'now()' : null });
    }
    return this.get(actor, id);
  }
}
