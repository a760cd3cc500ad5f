import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor } from '../../../../platform/access/actor';
import { AuditLogEntity } from '../../../../platform/audit/audit-log.entity';
import { AuditQueryService } from '../../../../platform/audit/audit-query.service';
import { AuditService } from '../../../../platform/audit/audit.service';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { ActivitiesFacade, ContactActivityData, ERASED } from '../../activities/activities.facade';
import { ContactPersonalRecord, ContactsFacade } from '../../contacts.facade';
import { CONTACT_UPDATED } from '../../events/contacts.events';
import { currentConsents } from '../domain/consent.rules';
import { ChannelConsent } from '../domain/consent.types';
import { ConsentEntryEntity } from '../persistence/consent-entry.entity';
import { ConsentLedgerRepository } from '../persistence/consent-ledger.repository';
import { PersonalDataHolders } from '../personal-data-holders';

export interface PersonalData {
  contact: ContactPersonalRecord;
  consents: { current: ChannelConsent[]; entries: ConsentEntryEntity[] };
  activities: ContactActivityData;
  audit: AuditLogEntity[];
  otherRecords: { holder: string; description: string; records: Record<string, unknown>[] }[];
}

export interface ErasureReport {
  contactId: string;
  activities: number;
  timelineEntries: number;
  auditEntries: number;
  otherRecords: number;
}

/** Audited fields whose values say nothing about the person: an erasure leaves them in the history. */
const NON_PERSONAL_AUDIT_FIELDS = ['ownerId', 'teamId', 'lifecycleStage', 'source', 'tags', 'companyLinks', 'deletedAt'];
/** The same for activities: who owns or must do it and its state stay, its text and addresses go. */
const NON_PERSONAL_ACTIVITY_AUDIT_FIELDS = ['ownerId', 'teamId', 'assigneeId', 'type', 'status', 'priority', 'deletedAt'];
const AUDIT_PAGE = 500;

/**
 * GDPR access and erasure for one contact, across what the contacts context stores: the contact
 * row (ContactsFacade), activities and timeline entries (ActivitiesFacade), the consent ledger,
 * and the record's audit history. Other modules will contribute through their facades.
 */
@Injectable()
export class PersonalDataService {
  private contactsFacade?: ContactsFacade;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly activities: ActivitiesFacade,
    private readonly ledger: ConsentLedgerRepository,
    private readonly auditLog: AuditQueryService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly holders: PersonalDataHolders,
  ) {}

  // ConsentModule sits inside ContactsModule, which imports it: the facade is looked up at run time.
  private get contacts(): ContactsFacade {
    return (this.contactsFacade ??= this.moduleRef.get(ContactsFacade, { strict: false }));
  }

  /** Everything stored about the person; 404 unless the actor may read the contact (recycle bin included). */
  @Transactional()
  async export(actor: Actor, contactId: string): Promise<PersonalData> {
    const contact = await this.contacts.personalRecord(actor, contactId);
    const entries = await this.ledger.entriesOf(contactId);
    return {
      contact,
      consents: { current: currentConsents(entries), entries },
      activities: await this.activities.personalDataOf(contactId),
      audit: await this.auditHistory(contactId),
      otherRecords: await this.otherRecords(contactId),
    };
  }

  /**
   * Replaces the person's data with anonymous values wherever the contacts context stores it,
   * in one transaction, and cannot be undone (no snapshot is kept anywhere). The consent ledger
   * stays: it holds no personal data, and proving a withdrawal outlives the person's details.
   */
  @Transactional()
  async erase(actor: Actor, contactId: string): Promise<ErasureReport> {
    const { emails } = await this.contacts.eraseRecord(actor, contactId);
    const related = (await this.activities.personalDataOf(contactId)).activities.map((a) => a.id);
    const moved = await this.activities.eraseContact(contactId, emails);
    let auditEntries = await this.audit.scrubValues('contacts', contactId, ERASED, NON_PERSONAL_AUDIT_FIELDS);
    // Past diffs of the activities may quote the person (addresses, text) even where the
    // activity itself keeps its text for the other people it is about.
    for (const id of related) auditEntries += await this.audit.scrubValues('activities', id, ERASED, NON_PERSONAL_ACTIVITY_AUDIT_FIELDS);
    let otherRecords = 0;
    for (const holder of this.holders.all()) otherRecords += await holder.erase(contactId);
    const report: ErasureReport = { contactId, activities: moved.activities, timelineEntries: moved.timelineEntries, auditEntries, otherRecords };
    await this.audit.record({
      actor,
      resource: 'contacts',
      recordId: contactId,
      action: 'erase',
      changes: { erasure: { from: null, to: { activities: report.activities, timelineEntries: report.timelineEntries, auditEntries, otherRecords } } },
    });
    // Ids only: subscribers (search, webhooks) re-read the erased record.
    await this.outbox.publish(CONTACT_UPDATED, { contactId });
    return report;
  }

  /** One holder after the other: they share the transaction's connection. */
  private async otherRecords(contactId: string): Promise<PersonalData['otherRecords']> {
    const out: PersonalData['otherRecords'] = [];
    for (const h of this.holders.all()) out.push({ holder: h.holder, description: h.description, records: await h.export(contactId) });
    return out;
  }

  private async auditHistory(contactId: string): Promise<AuditLogEntity[]> {
    const out: AuditLogEntity[] = [];
    let before: { at: string; id: string } | null = null;
    for (;;) {
      const page = await this.auditLog.historyOf('contacts', contactId, { limit: AUDIT_PAGE, before });
      out.push(...page.map((p) => p.entry));
      if (page.length < AUDIT_PAGE) break;
      const last = page[page.length - 1];
      before = { at: last.position, id: last.entry.id };
    }
    return out.reverse();
  }
}
