import { defineEvent } from '../../../platform/queue/job-definition';

/**
 * What the contacts module publishes (through the outbox, in the change's own transaction).
 * Payloads carry ids only; subscribers re-read what they need through ContactsFacade.
 */
export type ContactEventPayload = { contactId: string };
export type CompanyEventPayload = { companyId: string };

export const CONTACT_CREATED = defineEvent<ContactEventPayload>('contact.created');
export const CONTACT_UPDATED = defineEvent<ContactEventPayload>('contact.updated');
export const CONTACT_DELETED = defineEvent<ContactEventPayload>('contact.deleted');
export const CONTACT_RESTORED = defineEvent<ContactEventPayload>('contact.restored');

export const COMPANY_CREATED = defineEvent<CompanyEventPayload>('company.created');
export const COMPANY_UPDATED = defineEvent<CompanyEventPayload>('company.updated');
export const COMPANY_DELETED = defineEvent<CompanyEventPayload>('company.deleted');
export const COMPANY_RESTORED = defineEvent<CompanyEventPayload>('company.restored');

/**
 * A merge folded `duplicateIds` into `primaryId` (or an undo split them again). Other modules
 * that keep their own references to contacts or companies (a deal's contact, a ticket's
 * requester) move them on `*.merged` and back on `*.merge-undone`.
 */
export type MergeEventPayload = { mergeId: string; primaryId: string; duplicateIds: string[] };

export const CONTACT_MERGED = defineEvent<MergeEventPayload>('contact.merged');
export const CONTACT_MERGE_UNDONE = defineEvent<MergeEventPayload>('contact.merge-undone');
export const COMPANY_MERGED = defineEvent<MergeEventPayload>('company.merged');
export const COMPANY_MERGE_UNDONE = defineEvent<MergeEventPayload>('company.merge-undone');
