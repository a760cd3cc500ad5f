import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DomainError } from '../../../../platform/errors/domain-error';
import { ActivitiesFacade } from '../../activities/activities.facade';
import { ContactsService } from '../../application/contacts.service';
import { ConsentFacade } from '../../consent/consent.facade';
import { ContactEntity } from '../../persistence/contact.entity';
import { ContactRepository } from '../../persistence/contact.repository';
import { ChoosableField, FieldChoices, mergedInput, MergeSide, restoreInput, undoableState } from '../domain/merge.rules';
import { ContactErasures } from '../persistence/contact-erasures';
import { ContactMergeEntity, MergeReceipt } from '../persistence/contact-merge.entity';
import { CONTACT_MERGED, CONTACT_MERGE_UNDONE } from '../../events/contacts.events';
import { found, MergeEngine, MergeSubject, MergeUseCase } from './merge-engine';

/**
 * Merging duplicate contacts, and undoing it: the primary takes the chosen fields and the union
 * of the lists; the duplicates' activities, timeline entries and consent evidence move to it.
 */
@Injectable()
export class MergeService extends MergeUseCase<ContactEntity, MergeReceipt, ChoosableField, ContactMergeEntity> {
  constructor(
    moduleRef: ModuleRef,
    engine: MergeEngine,
    private readonly activities: ActivitiesFacade,
    private readonly consents: ConsentFacade,
    private readonly erasures: ContactErasures,
  ) {
    super(moduleRef, engine);
  }

  private get service(): ContactsService {
    return this.provider(ContactsService);
  }

  private get contacts(): ContactRepository {
    return this.provider(ContactRepository);
  }

  protected readonly subject: MergeSubject<ContactEntity, MergeReceipt, ChoosableField> = {
    noun: 'contact',
    resource: 'contacts',
    record: ContactMergeEntity,
    events: { merged: CONTACT_MERGED, undone: CONTACT_MERGE_UNDONE },
    lockPrimary: (actor, id) => this.contacts.lockForUpdate(actor, id),
    lockDuplicate: (actor, id) => this.contacts.lockForDelete(actor, id),
    canSee: (actor, id) => this.contacts.canRead(actor, id),
    inRecycleBin: (actor, id) => found(this.contacts.findOne(actor, id, { deleted: 'deleted' })),
    fold: async (actor, primary, duplicates, choices: FieldChoices) => {
      const ids = duplicates.map((d) => d.id);
      const activities = await this.activities.moveSubject('contact', ids, primary.id);
      const consents = await this.consents.moveEntries(ids, primary.id);
      const live = await this.liveCustomFields('contact');
      // The duplicates' company links come along even where the caller cannot see the company.
      const keptCompanyIds = duplicates.flatMap((d) => d.companyIds);
      const after = await this.service.update(actor, primary.id, mergedInput(primary, duplicates, choices, live), { keptCompanyIds });
      return { receipt: { activities, consents }, primaryVersion: after.contact.version };
    },
    remove: (actor, id) => this.service.remove(actor, id),
    restore: async (actor, id) => void (await this.service.restore(actor, id)),
    undoableState: (contact) => undoableState(contact),
    erasedAmong: (ids) => this.erasures.erasedAmong(ids),
    undoRefusal: (merge) =>
      (merge as ContactMergeEntity).erasedAt
        ? new DomainError('MERGE_ERASED', 'conflict', 'A person this merge joined was erased (GDPR); the merge can no longer be undone.')
        : null,
    unfold: async (actor, merge, primary) => {
      await this.activities.undoMove(merge.receipt.activities);
      await this.consents.moveBack(merge.receipt.consents);
      const before = merge.snapshots[merge.primaryId] as unknown as MergeSide;
      await this.service.update(actor, merge.primaryId, restoreInput(before, primary), { keptCompanyIds: before.companyLinks.map((l) => l.companyId) });
    },
  };
}
