import { Injectable, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { Repository } from 'typeorm';
import { Actor } from '../../../../platform/access/actor';
import { AuditService } from '../../../../platform/audit/audit.service';
import { newId } from '../../../../platform/database/columns';
import { conflict, DomainError, notFound } from '../../../../platform/errors/domain-error';
import { EventDefinition } from '../../../../platform/queue/job-definition';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { CustomFieldEntity } from '../../domain/contact.types';
import { MergeEventPayload } from '../../events/contacts.events';
import { MergeCommand, planMerge, stateDigest } from '../domain/merge-plan';
import { MergeRecord } from '../persistence/merge-record';

/** A locked record as the engine needs it: its id and the version an undo compares. */
export interface MergeTarget {
  id: string;
  version: number;
}

/**
 * What differs between merging contacts and merging companies: how records are locked, what
 * points at them and moves, how the primary takes the duplicates' fields, and the way back.
 * Everything runs inside the engine's transaction.
 */
export interface MergeSubject<T extends MergeTarget, R, F extends string> {
  /** Singular noun for messages ("contact"). */
  noun: string;
  /** The permission and audit name (`contacts`). */
  resource: string;
  /** The entity of the subject's merge rows. */
  record: new () => MergeRecord<R>;
  /** Published in the merge's transaction, for other modules' own references. */
  events: { merged: EventDefinition<MergeEventPayload>; undone: EventDefinition<MergeEventPayload> };
  /** A live record the actor may update (404 otherwise). */
  lockPrimary(actor: Actor, id: string): Promise<T>;
  /** A live record the actor may delete (404 otherwise). */
  lockDuplicate(actor: Actor, id: string): Promise<T>;
  /** Whether the actor may see the record, recycle bin included (a 409 must not reveal more than a 404). */
  canSee(actor: Actor, id: string): Promise<boolean>;
  /** Whether the record is in the recycle bin (asked only of records the actor may see). */
  inRecycleBin(actor: Actor, id: string): Promise<boolean>;
  /** Moves what points at the duplicates to the primary and gives the primary their fields; returns the receipt and the primary's new version. */
  fold(actor: Actor, primary: T, duplicates: T[], choices: Partial<Record<F, string>>): Promise<{ receipt: R; primaryVersion: number }>;
  remove(actor: Actor, id: string): Promise<void>;
  restore(actor: Actor, id: string): Promise<void>;
  /** Why this merge may never be undone, if so (checked before the primary's version): a 409 with this error. */
  undoRefusal?(merge: MergeRecord<R>): DomainError | null;
  /** What `unfold` puts back on the primary, comparable (see `stateDigest`): the undo may go ahead while this is as the merge left it. */
  undoableState(record: T): unknown;
  /** The ids among these of records whose data was erased (GDPR): they are never merged (409). */
  erasedAmong?(ids: readonly string[]): Promise<Set<string>>;
  /** Moves back what the receipt says moved and puts the primary back as its snapshot was. */
  unfold(actor: Actor, merge: MergeRecord<R>, primary: T): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Merging duplicates into one record, and undoing it, in one transaction: the subject moves
 * what pointed at the duplicates and updates the primary, the duplicates go to the recycle bin,
 * and the merge row keeps full snapshots of every record and the receipt of the moves. Needs
 * the update scope on the primary and the delete scope on every duplicate (404 otherwise).
 */
@Injectable()
export class MergeEngine {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly cls: ClsService,
    private readonly outbox: OutboxService,
  ) {}

  @Transactional()
  async merge<T extends MergeTarget, R, F extends string>(subject: MergeSubject<T, R, F>, actor: Actor, cmd: MergeCommand<F>): Promise<MergeRecord<R>> {
    const plan = planMerge(cmd);
    const primary = await this.lockLive(subject, actor, plan.primaryId, (id) => subject.lockPrimary(actor, id));
    const duplicates: T[] = [];
    for (const id of plan.duplicateIds) duplicates.push(await this.lockLive(subject, actor, id, (x) => subject.lockDuplicate(actor, x)));
    await this.refuseErased(subject, plan.primaryId, plan.duplicateIds);

    const { receipt, primaryVersion } = await subject.fold(actor, primary, duplicates, plan.choices);
    for (const id of plan.duplicateIds) await subject.remove(actor, id);

    const id = newId();
    // The primary as the merge leaves it (re-read: the fold wrote it), for the undo's check.
    const primaryState = stateDigest(id, subject.undoableState(await subject.lockPrimary(actor, plan.primaryId)));
    const row = {
      id,
      createdAt: new Date(),
      primaryId: plan.primaryId,
      duplicateIds: plan.duplicateIds,
      actorType: actor.type,
      actorId: actor.id.slice(0, 64),
      requestId: this.requestId(actor),
      snapshots: Object.fromEntries([primary, ...duplicates].map((r) => [r.id, toSnapshot(r)])),
      receipt,
      primaryVersion,
      primaryState,
      undoneAt: null,
      undoneBy: null,
    };
    await this.rows(subject).insert(row as never);
    await this.audit.record({
      actor,
      resource: subject.resource,
      recordId: plan.primaryId,
      action: 'merge',
      changes: { merge: { from: null, to: { mergeId: row.id, duplicateIds: plan.duplicateIds } } },
    });
    await this.outbox.publish(subject.events.merged, { mergeId: row.id, primaryId: plan.primaryId, duplicateIds: plan.duplicateIds });
    return this.rows(subject).findOneByOrFail({ id: row.id } as never);
  }

  /**
   * Puts the duplicates back and moves back what moved. Refused (409) once undone, or when the
   * primary changed since the merge in what the undo puts back (it would silently drop those
   * changes). The check is on that state, not on the version: a later merge into the same
   * primary bumps the version, and once that merge is undone the primary is back as this merge
   * left it, so this one can be undone in turn (merges come off in reverse order). A primary
   * that is not live is a 409 naming why (in the recycle bin, or merged into another record
   * since) for whoever may see it; 404 only when the caller may not see the merge's primary.
   */
  @Transactional()
  async undo<T extends MergeTarget, R, F extends string>(subject: MergeSubject<T, R, F>, actor: Actor, mergeId: string): Promise<MergeRecord<R>> {
    if (!UUID.test(mergeId)) throw notFound('merge');
    const repo = this.rows(subject);
    const merge = await repo.findOne({ where: { id: mergeId } as never, lock: { mode: 'pessimistic_write' } });
    if (!merge) throw notFound('merge');
    // Out of the caller's scope is a 404 for the merge as for the record.
    const primary = await subject.lockPrimary(actor, merge.primaryId).catch(async (err: unknown) => {
      throw isNotFound(err) ? await this.primaryUnavailable(subject, actor, merge) : err;
    });
    this.refuseUndo(subject, merge);
    if (!leftAsMerged(subject, merge, primary)) {
      throw new DomainError('MERGE_PRIMARY_CHANGED', 'conflict', `The primary ${subject.noun} changed after the merge; undoing it would drop those changes.`);
    }
    // Undone first: the merge no longer stands, so its duplicates may be restored (restoring a record a standing merge folded in is refused).
    await repo.update({ id: merge.id } as never, { undoneAt: new Date(), undoneBy: actor.id.slice(0, 64) } as never);
    for (const id of merge.duplicateIds) await subject.restore(actor, id);
    await subject.unfold(actor, merge, primary);
    await this.audit.record({ actor, resource: subject.resource, recordId: merge.primaryId, action: 'merge_undo', changes: { merge: { from: { mergeId: merge.id }, to: null } } });
    await this.outbox.publish(subject.events.undone, { mergeId: merge.id, primaryId: merge.primaryId, duplicateIds: merge.duplicateIds });
    return repo.findOneByOrFail({ id: merge.id } as never);
  }

  /** Refused whatever the primary's state: undone already, or the subject's own refusal (a person erased since). */
  private refuseUndo<T extends MergeTarget, R, F extends string>(subject: MergeSubject<T, R, F>, merge: MergeRecord<R>): void {
    if (merge.undoneAt) throw new DomainError('MERGE_ALREADY_UNDONE', 'conflict', 'This merge was undone already.');
    const refusal = subject.undoRefusal?.(merge);
    if (refusal) throw refusal;
  }

  /**
   * Why the merge's primary cannot be locked for the undo. Out of the caller's sight it is a 404
   * for the merge as for the record; else a 409 naming the cause: merged into another record by
   * a merge that still stands (undo that one first: merges come off in reverse order), or in the
   * recycle bin (restore it first). A live primary the caller may see but not update is a 404.
   */
  private async primaryUnavailable<T extends MergeTarget, R, F extends string>(subject: MergeSubject<T, R, F>, actor: Actor, merge: MergeRecord<R>): Promise<DomainError> {
    if (!(await subject.canSee(actor, merge.primaryId))) return notFound('merge');
    this.refuseUndo(subject, merge);
    const later = await this.standingMergeOf(subject, merge.primaryId);
    if (later) {
      return conflict('MERGE_PRIMARY_MERGED', `The primary ${subject.noun} was merged into another one since, by merge ${later}: undo that merge first.`, { mergeId: later });
    }
    if (await subject.inRecycleBin(actor, merge.primaryId)) {
      return conflict('MERGE_PRIMARY_DELETED', `The primary ${subject.noun} is in the recycle bin: restore it first, then undo the merge.`, { primaryId: merge.primaryId });
    }
    return notFound('merge');
  }

  /** An erased record keeps only anonymous values: merging would spread them over a live record (and an undo could not split the person again). */
  private async refuseErased<T extends MergeTarget, R, F extends string>(subject: MergeSubject<T, R, F>, primaryId: string, duplicateIds: readonly string[]): Promise<void> {
    if (!subject.erasedAmong) return;
    const erased = await subject.erasedAmong([primaryId, ...duplicateIds]);
    if (!erased.size) return;
    const code = `${subject.noun.toUpperCase()}_ERASED`;
    if (erased.has(primaryId)) throw conflict(code, `The primary ${subject.noun} was erased (its personal data is gone); it cannot be merged.`, { erasedIds: [primaryId] });
    const ids = duplicateIds.filter((id) => erased.has(id));
    throw conflict(code, `A duplicate ${subject.noun} was erased (its personal data is gone); it cannot be merged.`, { erasedIds: ids });
  }

  /** A record folded into another by a merge that still stands is a 409 (with that merge), not a 404, for whoever may see it. */
  private async lockLive<T extends MergeTarget, R, F extends string>(subject: MergeSubject<T, R, F>, actor: Actor, id: string, lock: (id: string) => Promise<T>): Promise<T> {
    try {
      return await lock(id);
    } catch (err) {
      if (!isNotFound(err) || !UUID.test(id)) throw err;
      const standing = await this.standingMergeOf(subject, id);
      if (standing && (await subject.canSee(actor, id))) {
        throw conflict('ALREADY_MERGED', `This ${subject.noun} was merged into another one; undo that merge first.`, { mergeId: standing });
      }
      throw err;
    }
  }

  /** The merge still standing that folded the record into another, if any. */
  private async standingMergeOf<R>(subject: { record: new () => MergeRecord<R> }, id: string): Promise<string | null> {
    const standing = await this.rows(subject)
      .createQueryBuilder('m')
      .select('m.id', 'id')
      .where('m.undone_at IS NULL AND m.duplicate_ids @> ARRAY[CAST(:id AS uuid)]', { id })
      .orderBy('m.created_at', 'DESC')
      .getRawOne<{ id: string }>();
    return standing?.id ?? null;
  }

  private rows<R>(subject: { record: new () => MergeRecord<R> }): Repository<MergeRecord<R>> {
    return this.txHost.tx.getRepository(subject.record);
  }

  private requestId(actor: Actor): string | null {
    const id = actor.requestId ?? (this.cls.isActive() ? (this.cls.getId() as string | undefined) : undefined) ?? null;
    return id ? String(id).slice(0, 128) : null;
  }
}

const isNotFound = (err: unknown) => err instanceof DomainError && err.kind === 'not_found';

/** Whether a read finds the record: true, or false on its 404 (other errors pass through). */
export const found = (read: Promise<unknown>): Promise<boolean> =>
  read.then(
    () => true,
    (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    },
  );

/** Whether the primary is, in what the undo puts back, as the merge left it (merges from before the fingerprint: the same version). */
function leftAsMerged<T extends MergeTarget, R, F extends string>(subject: MergeSubject<T, R, F>, merge: MergeRecord<R>, primary: T): boolean {
  if (primary.version === merge.primaryVersion) return true;
  return merge.primaryState !== null && stateDigest(merge.id, subject.undoableState(primary)) === merge.primaryState;
}

function toSnapshot(r: MergeTarget): Record<string, unknown> {
  return JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
}

/**
 * A merge use case (contacts, companies): its subject, and the two operations, each one
 * transaction. MergeModule sits inside ContactsModule (which imports it), so the module's own
 * services and repositories are looked up on first use rather than imported as a module.
 */
export abstract class MergeUseCase<T extends MergeTarget, R, F extends string, E extends MergeRecord<R>> {
  protected abstract readonly subject: MergeSubject<T, R, F>;
  private readonly providers = new Map<Type<unknown>, unknown>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly engine: MergeEngine,
  ) {}

  protected provider<P>(type: Type<P>): P {
    if (!this.providers.has(type)) this.providers.set(type, this.moduleRef.get(type, { strict: false }));
    return this.providers.get(type) as P;
  }

  /** The keys of the entity's live custom field definitions: only their values move to the primary. */
  protected async liveCustomFields(entity: CustomFieldEntity): Promise<Set<string>> {
    return new Set((await this.provider(CustomFieldsService).shapes(entity)).map((d) => d.key));
  }

  /** Needs the update scope on the primary and the delete scope on every duplicate (404 otherwise). */
  @Transactional()
  async merge(actor: Actor, cmd: MergeCommand<F>): Promise<E> {
    return (await this.engine.merge(this.subject, actor, cmd)) as E;
  }

  /** Refused (409) once undone, or when the primary changed since the merge. */
  @Transactional()
  async undo(actor: Actor, mergeId: string): Promise<E> {
    return (await this.engine.undo(this.subject, actor, mergeId)) as E;
  }
}
