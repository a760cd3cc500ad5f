import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor, SYSTEM_ACTOR } from '../../../../platform/access/actor';
import { AuditLogEntity } from '../../../../platform/audit/audit-log.entity';
import { AuditQueryService } from '../../../../platform/audit/audit-query.service';
import { AuditEntry, AuditService } from '../../../../platform/audit/audit.service';
import { conflict, DomainError } from '../../../../platform/errors/domain-error';
import { IdempotencyErasure } from '../../../../platform/http/idempotency/idempotency-erasure';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { ActivitiesFacade, ContactActivityData, ERASED } from '../../activities/activities.facade';
import { ContactPersonalRecord, ContactsFacade } from '../../contacts.facade';
import { CONTACT_UPDATED } from '../../events/contacts.events';
import { currentConsents } from '../domain/consent.rules';
import { ChannelConsent } from '../domain/consent.types';
import { PersonIdentifiers, redactDeep, redactor } from '../domain/redaction';
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
  /** Contacts merged into this one (merges that still stand), erased with it: the same person. */
  mergedContactIds: string[];
}

/** The record's own bookkeeping (ids and timestamps): not about the person, kept as the record keeps it. */
const RECORD_AUDIT_FIELDS = ['id', 'createdAt', 'updatedAt', 'version', 'deletedAt'];
/** Audited fields whose values say nothing about the person: an erasure leaves them in the history. */
const NON_PERSONAL_AUDIT_FIELDS = [...RECORD_AUDIT_FIELDS, 'ownerId', 'teamId', 'lifecycleStage', 'source', 'tags', 'companyLinks', 'merge'];
/**
 * The same for activities: who owns or must do it, its state and its times stay (the erased
 * record keeps them too, for counts and reports), its text and addresses go.
 */
const NON_PERSONAL_ACTIVITY_AUDIT_FIELDS = [
  ...RECORD_AUDIT_FIELDS,
  'ownerId',
  'teamId',
  'assigneeId',
  'type',
  'status',
  'priority',
  'direction',
  'durationSeconds',
  'occurredAt',
  'startAt',
  'endAt',
  'dueAt',
  'remindAt',
  'reminderSentAt',
  'completedAt',
  // What it relates to: ids (the erased contact stays linked, as an anonymous record).
  'contactIds',
  'companyIds',
  'dealIds',
  'ticketIds',
];
/** An activity shared with other people keeps the same: its text is redacted, not blanked. */
const SHARED_ACTIVITY_AUDIT_KEEP = NON_PERSONAL_ACTIVITY_AUDIT_FIELDS;
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
    private readonly idempotency: IdempotencyErasure,
  ) {}

  // ConsentModule sits inside ContactsModule, which imports it: the facade is looked up at run time.
  private get contacts(): ContactsFacade {
    return (this.contactsFacade ??= this.moduleRef.get(ContactsFacade, { strict: false }));
  }

  /**
   * Everything stored about the person that the actor may see; 404 unless the actor may read
   * the contact (recycle bin included). Each section is scoped as its own endpoint is: the
   * activities and timeline entries as the contact's timeline, import receipts by the imports
   * scope; the consent ledger and the record's history follow the contact.
   */
  @Transactional()
  async export(actor: Actor, contactId: string): Promise<PersonalData> {
    const contact = await this.contacts.personalRecord(actor, contactId);
    const entries = await this.ledger.entriesOf(contactId);
    return {
      contact,
      consents: { current: currentConsents(entries), entries },
      activities: await this.activities.personalDataOf(actor, contactId),
      audit: await this.auditHistory(contactId),
      otherRecords: await this.otherRecords(actor, contactId),
    };
  }

  /**
   * Replaces the person's data with anonymous values wherever the contacts context stores it,
   * in one transaction, and cannot be undone (no snapshot is kept anywhere). The person is the
   * contact and every contact merged into it by a merge that still stands (their rows stay in
   * the recycle bin for the merge's undo): all are erased, whatever the actor's scope on them,
   * and such a merge can no longer be undone. Activities shared with other people keep their
   * text with each mention of the person (names, emails, phones) blanked, in the record and
   * its history alike. The consent ledger stays: it holds no personal data, and proving a
   * withdrawal outlives the person's details. Copies follow: the notifications quoting the
   * activities, and the answers kept for Idempotency-Key replays that hold the contact or the
   * activities (a retry under such a key gets 409 IDEMPOTENCY_KEY_ERASED, not the person back).
   */
  @Transactional()
  async erase(actor: Actor, contactId: string): Promise<ErasureReport> {
    const records = [{ id: contactId, ...(await this.contacts.eraseRecord(actor, contactId)) }];
    await this.refuseAbsorbed(actor, contactId);
    const mergedContactIds: string[] = [];
    for (const id of await this.absorbed(contactId)) {
      const erased = await this.contacts.eraseRecord(SYSTEM_ACTOR, id).catch((err: unknown) => {
        if (err instanceof DomainError && err.kind === 'not_found') return null;
        throw err;
      });
      if (!erased) continue;
      records.push({ id, ...erased });
      mergedContactIds.push(id);
    }
    const person: PersonIdentifiers = {
      names: records.map((r) => ({ firstName: r.firstName, lastName: r.lastName })),
      emails: [...new Set(records.flatMap((r) => r.emails))],
      phones: [...new Set(records.flatMap((r) => r.phones))],
    };
    const redact = redactor(person, ERASED);
    await this.contacts.forgetNames(person.names);

    let activities = 0;
    let timelineEntries = 0;
    let auditEntries = 0;
    let otherRecords = 0;
    const sole = new Set<string>();
    const shared = new Set<string>();
    for (const r of records) {
      const moved = await this.activities.eraseContact(r.id, person.emails, redact);
      activities += moved.activities;
      timelineEntries += moved.timelineEntries;
      moved.soleActivityIds.forEach((id) => sole.add(id));
      moved.sharedActivityIds.forEach((id) => shared.add(id));
      auditEntries += await this.audit.scrubValues('contacts', r.id, ERASED, NON_PERSONAL_AUDIT_FIELDS);
    }
    // Past diffs of the activities quote the person (addresses, text): those about them alone
    // are blanked like the activity; the shared ones get the redaction their text got.
    for (const id of sole) auditEntries += await this.audit.scrubValues('activities', id, ERASED, NON_PERSONAL_ACTIVITY_AUDIT_FIELDS);
    auditEntries += await this.audit.rewriteValues('activities', [...shared].filter((id) => !sole.has(id)), (v) => redactDeep(v, redact), SHARED_ACTIVITY_AUDIT_KEEP);
    for (const r of records) for (const holder of this.holders.all()) otherRecords += await holder.erase(r.id);
    otherRecords += await this.idempotency.forgetResponsesMentioning([...records.map((r) => r.id), ...sole, ...shared]);

    const report: ErasureReport = { contactId, activities, timelineEntries, auditEntries, otherRecords, mergedContactIds };
    const audited: AuditEntry[] = [
      {
        actor,
        resource: 'contacts',
        recordId: contactId,
        action: 'erase',
        changes: { erasure: { from: null, to: { activities, timelineEntries, auditEntries, otherRecords, mergedContactIds } } },
      },
      ...mergedContactIds.map((id): AuditEntry => ({ actor, resource: 'contacts', recordId: id, action: 'erase', changes: { erasure: { from: null, to: { mergedInto: contactId } } } })),
    ];
    await this.audit.recordMany(audited);
    // Ids only: subscribers (search, webhooks) re-read the erased records.
    for (const r of records) await this.outbox.publish(CONTACT_UPDATED, { contactId: r.id });
    return report;
  }

  /** The contacts the holders folded into this one (merge duplicates), each once. */
  /**
   * A contact merged into another by a merge that still stands is that person now: what it held
   * was folded into the primary, and erasing the duplicate alone would leave it there. 409,
   * naming the merge and (when the caller may see it) the contact to erase, which erases this
   * one with it; or the merge is undone first, when it joined two people.
   */
  private async refuseAbsorbed(actor: Actor, contactId: string): Promise<void> {
    for (const h of this.holders.all()) {
      const by = await h.absorbedBy?.(contactId);
      if (!by) continue;
      const visible = await this.contacts.canReadContact(actor, by.primaryId);
      throw conflict(
        'ALREADY_MERGED',
        `This contact was merged into ${visible ? `contact ${by.primaryId}` : 'another contact'}, which holds the person's data now: erase that contact (this one is erased with it), or undo the merge first.`,
        { mergeId: by.mergeId, ...(visible ? { primaryId: by.primaryId } : {}) },
      );
    }
  }

  private async absorbed(contactId: string): Promise<string[]> {
    const ids = new Set<string>();
    for (const h of this.holders.all()) for (const id of (await h.absorbed?.(contactId)) ?? []) if (id !== contactId) ids.add(id);
    return [...ids].sort();
  }

  /** One holder after the other: they share the transaction's connection. */
  private async otherRecords(actor: Actor, contactId: string): Promise<PersonalData['otherRecords']> {
    const out: PersonalData['otherRecords'] = [];
    for (const h of this.holders.all()) out.push({ holder: h.holder, description: h.description, records: await h.export(actor, contactId) });
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
