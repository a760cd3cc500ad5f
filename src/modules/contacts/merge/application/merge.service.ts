import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { Actor } from '../../../../platform/access/actor';
import { AuditService } from '../../../../platform/audit/audit.service';
import { newId } from '../../../../platform/database/columns';
import { DomainError, invalid, notFound } from '../../../../platform/errors/domain-error';
import { ActivitiesFacade } from '../../activities/activities.facade';
import { ContactsService } from '../../application/contacts.service';
import { ConsentFacade } from '../../consent/consent.facade';
import { ContactEntity } from '../../persistence/contact.entity';
import { ContactRepository } from '../../persistence/contact.repository';
import { FieldChoices, mergedInput, MergeSide, restoreInput } from '../domain/merge.rules';
import { ContactMergeEntity } from '../persistence/contact-merge.entity';

export interface MergeCommand {
  primaryId: string;
  duplicateIds: string[];
  fieldChoices?: FieldChoices;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Merging duplicates into one contact, and undoing it. Everything runs in one transaction:
 * the primary takes the chosen fields and the union of the lists, what pointed at a duplicate
 * (activities, timeline entries, consent evidence) moves to the primary, and the duplicates go
 * to the recycle bin. The merge row keeps full snapshots and the receipts of the moves.
 *
 * MergeModule sits inside ContactsModule (which imports it): the contacts service and repository
 * are looked up at run time rather than imported as a module.
 */
@Injectable()
export class MergeService {
  private contactsService?: ContactsService;
  private contactRepository?: ContactRepository;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly activities: ActivitiesFacade,
    private readonly consents: ConsentFacade,
    private readonly audit: AuditService,
    private readonly cls: ClsService,
  ) {}

  private get service(): ContactsService {
    return (this.contactsService ??= this.moduleRef.get(ContactsService, { strict: false }));
  }

  private get contacts(): ContactRepository {
    return (this.contactRepository ??= this.moduleRef.get(ContactRepository, { strict: false }));
  }

  /** Needs the update scope on the primary and the delete scope on every duplicate (404 otherwise). */
  @Transactional()
  async merge(actor: Actor, cmd: MergeCommand): Promise<ContactMergeEntity> {
    const duplicateIds = [...new Set(cmd.duplicateIds.map((id) => id.toLowerCase()))];
    const primaryId = cmd.primaryId.toLowerCase();
    if (duplicateIds.includes(primaryId)) throw invalid('duplicateIds', 'must not include the primary');
    const choices = cmd.fieldChoices ?? {};
    for (const [field, id] of Object.entries(choices)) {
      if (id !== primaryId && !duplicateIds.includes(id.toLowerCase())) throw invalid(`fieldChoices.${field}`, 'must be the primary or one of the duplicates');
    }

    const primary = await this.contacts.lockForUpdate(actor, primaryId);
    const duplicates: ContactEntity[] = [];
    for (const id of duplicateIds) duplicates.push(await this.contacts.lockForDelete(actor, id));

    const moved = await this.activities.moveSubject('contact', duplicateIds, primaryId);
    const consents = await this.consents.moveEntries(duplicateIds, primaryId);
    const lowered = Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, v.toLowerCase()])) as FieldChoices;
    const after = await this.service.update(actor, primaryId, mergedInput(primary, duplicates, lowered));
    for (const id of duplicateIds) await this.service.remove(actor, id);

    const merge: ContactMergeEntity = {
      id: newId(),
      createdAt: new Date(),
      primaryId,
      duplicateIds,
      actorType: actor.type,
      actorId: actor.id.slice(0, 64),
      requestId: this.requestId(actor),
      snapshots: Object.fromEntries([primary, ...duplicates].map((c) => [c.id, toSnapshot(c)])),
      receipt: { activities: moved, consents },
      primaryVersion: after.contact.version,
      undoneAt: null,
      undoneBy: null,
    };
    await this.txHost.tx.getRepository(ContactMergeEntity).insert(merge as never);
    await this.audit.record({ actor, resource: 'contacts', recordId: primaryId, action: 'merge', changes: { merge: { from: null, to: { mergeId: merge.id, duplicateIds } } } });
    return this.txHost.tx.getRepository(ContactMergeEntity).findOneByOrFail({ id: merge.id });
  }

  /**
   * Puts the duplicates back and moves back what moved. Refused (409) once undone, or when the
   * primary changed since the merge (the undo would silently drop those changes).
   */
  @Transactional()
  async undo(actor: Actor, mergeId: string): Promise<ContactMergeEntity> {
    if (!UUID.test(mergeId)) throw notFound('merge');
    const repo = this.txHost.tx.getRepository(ContactMergeEntity);
    const merge = await repo.findOne({ where: { id: mergeId }, lock: { mode: 'pessimistic_write' } });
    if (!merge) throw notFound('merge');
    // Out of the caller's scope is a 404 for the merge as for the contact.
    const primary = await this.contacts.lockForUpdate(actor, merge.primaryId).catch((err: unknown) => {
      throw err instanceof DomainError && err.kind === 'not_found' ? notFound('merge') : err;
    });
    if (merge.undoneAt) throw new DomainError('MERGE_ALREADY_UNDONE', 'conflict', 'This merge was undone already.');
    if (primary.version !== merge.primaryVersion) {
      throw new DomainError('MERGE_PRIMARY_CHANGED', 'conflict', 'The primary contact changed after the merge; undoing it would drop those changes.');
    }
    for (const id of merge.duplicateIds) await this.service.restore(actor, id);
    await this.activities.undoMove(merge.receipt.activities);
    await this.consents.moveBack(merge.receipt.consents);
    await this.service.update(actor, merge.primaryId, restoreInput(merge.snapshots[merge.primaryId] as unknown as MergeSide, primary));
    await repo.update({ id: merge.id }, { undoneAt: new Date(), undoneBy: actor.id.slice(0, 64) });
    await this.audit.record({ actor, resource: 'contacts', recordId: merge.primaryId, action: 'merge_undo', changes: { merge: { from: { mergeId: merge.id }, to: null } } });
    return repo.findOneByOrFail({ id: merge.id });
  }

  private requestId(actor: Actor): string | null {
    const id = actor.requestId ?? (this.cls.isActive() ? (this.cls.getId() as string | undefined) : undefined) ?? null;
    return id ? String(id).slice(0, 128) : null;
  }
}

function toSnapshot(c: ContactEntity): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}
