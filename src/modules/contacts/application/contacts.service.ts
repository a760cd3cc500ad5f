import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor } from '../../../platform/access/actor';
import { CustomFieldShape, visibleCustomValues } from '../../../platform/custom-fields/custom-field-types';
import { ListQuery, Page, parseListQueryString, parseSearchBody } from '../../../platform/query/list-query';
import { ListSpec } from '../../../platform/query/list-spec';
import { WriteOptions } from '../../../platform/records/scoped-repository';
import { OutboxService } from '../../../platform/queue/outbox.service';
import { DuplicateCandidate } from '../domain/contact.types';
import { possibleDuplicate, validationFailed } from '../domain/contacts.errors';
import { CONTACT_CREATED, CONTACT_DELETED, CONTACT_RESTORED, CONTACT_UPDATED } from '../events/contacts.events';
import { CompanyRepository } from '../persistence/company.repository';
import { ContactEntity } from '../persistence/contact.entity';
import { ContactRepository } from '../persistence/contact.repository';
import { listSpecWithCustomFields } from '../persistence/list-specs';
import { MergeFacade } from '../merge/merge.facade';
import { ContactData, contactData, ContactInput } from './contact-input';
import { CustomFieldsService } from './custom-fields.service';

/** A contact as callers see it: the record and the values of its live custom fields. */
export interface ContactView {
  contact: ContactEntity;
  customFields: Record<string, unknown>;
}

export interface CreateContactOptions {
  /** Create even when it looks like an existing contact. */
  skipDuplicateCheck?: boolean;
}

/** WriteOptions, and company links a merge carries over whether or not the caller can see them. */
export interface ContactWriteOptions extends WriteOptions {
  keptCompanyIds?: readonly string[];
}

@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyRepository,
    private readonly customFields: CustomFieldsService,
    private readonly outbox: OutboxService,
    private readonly merges: MergeFacade,
  ) {}

  /** The list spec of this moment: built-in fields plus the live custom fields. */
  async listSpec(): Promise<ListSpec> {
    return listSpecWithCustomFields('contacts', await this.customFields.shapes('contact'));
  }

  async list(actor: Actor, rawQuery: unknown): Promise<Page<ContactView>> {
    const defs = await this.customFields.shapes('contact');
    const query = parseListQueryString(listSpecWithCustomFields('contacts', defs), rawQuery);
    return this.page(defs, await this.contacts.list(actor, query));
  }

  async search(actor: Actor, body: unknown): Promise<Page<ContactView>> {
    const defs = await this.customFields.shapes('contact');
    const query: ListQuery = parseSearchBody(listSpecWithCustomFields('contacts', defs), body);
    return this.page(defs, await this.contacts.list(actor, query));
  }

  async count(actor: Actor, rawQuery: unknown): Promise<number> {
    const query = parseListQueryString(await this.listSpec(), rawQuery);
    return this.contacts.count(actor, query);
  }

  async get(actor: Actor, id: string): Promise<ContactView> {
    return this.view(await this.contacts.findOne(actor, id), await this.customFields.shapes('contact'));
  }

  @Transactional()
  async create(actor: Actor, input: ContactInput, opts: CreateContactOptions = {}): Promise<ContactView> {
    const defs = await this.customFields.shapes('contact');
    const data = await this.prepare(actor, input, null, defs);
    if (!opts.skipDuplicateCheck) {
      const candidates = await this.duplicatesOf(actor, data, undefined);
      if (candidates.length) throw possibleDuplicate(candidates);
    }
    const contact = await this.contacts.create(actor, data);
    await this.outbox.publish(CONTACT_CREATED, { contactId: contact.id });
    return this.view(contact, defs);
  }

  @Transactional()
  async update(actor: Actor, id: string, input: ContactInput, opts: ContactWriteOptions = {}): Promise<ContactView> {
    const defs = await this.customFields.shapes('contact');
    // Locked first: custom fields and lists are merged into what is stored, not into a stale read.
    const current = await this.contacts.lockForUpdate(actor, id);
    const data = await this.prepare(actor, input, current, defs, opts.keptCompanyIds);
    const contact = await this.contacts.update(actor, id, data, opts);
    if (contact.version !== current.version) await this.outbox.publish(CONTACT_UPDATED, { contactId: id });
    return this.view(contact, defs);
  }

  @Transactional()
  async remove(actor: Actor, id: string, opts: WriteOptions = {}): Promise<void> {
    await this.contacts.softDelete(actor, id, opts);
    await this.outbox.publish(CONTACT_DELETED, { contactId: id });
  }

  @Transactional()
  async restore(actor: Actor, id: string, opts: WriteOptions = {}): Promise<ContactView> {
    const contact = await this.contacts.restore(actor, id, opts);
    // Scope checked (and the row locked) by the restore above; a refusal rolls it back.
    await this.merges.refuseRestoreOfMerged('contact', id);
    await this.outbox.publish(CONTACT_RESTORED, { contactId: id });
    return this.view(contact, await this.customFields.shapes('contact'));
  }

  /** Contacts that look like this one (same email or phone, similar name at a shared company). */
  async duplicates(actor: Actor, id: string): Promise<DuplicateCandidate[]> {
    const c = await this.contacts.findOne(actor, id);
    return this.duplicatesOf(actor, c, id);
  }

  private duplicatesOf(actor: Actor, c: ContactData, excludeId: string | undefined): Promise<DuplicateCandidate[]> {
    return this.contacts.findDuplicates(actor, {
      emailKeys: c.emailKeys ?? [],
      phoneKeys: c.phoneKeys ?? [],
      fullName: [c.firstName, c.lastName].filter(Boolean).join(' '),
      companyIds: c.companyIds ?? [],
      excludeId,
    });
  }

  /**
   * The stored form of `input`. A company link must be to a company the caller can see, unless
   * the record has it already (an admin linked another team's company; the company is in the
   * recycle bin) or `kept` carries it over (a merge folding in its duplicates' links): sending a
   * contact's links back as GET showed them always works.
   */
  private async prepare(actor: Actor, input: ContactInput, current: ContactEntity | null, defs: readonly CustomFieldShape[], kept: readonly string[] = []): Promise<ContactData> {
    const wanted = (input.companies ?? []).map((l) => l.companyId.toLowerCase());
    const allowed = new Set([...(current?.companyIds ?? []), ...kept]);
    const readable = await this.companies.readableIds(actor, wanted.filter((id) => /^[0-9a-f-]{36}$/.test(id) && !allowed.has(id)));
    for (const id of readable) allowed.add(id);
    const linked = input.companies !== undefined ? wanted.filter((id) => allowed.has(id)) : (current?.companyIds ?? []);
    const names = await this.companies.namesOf(linked);
    const { data, errors } = contactData(input, current, defs, allowed, names);
    if (errors.length) throw validationFailed(errors);
    return data;
  }

  private view(contact: ContactEntity, defs: readonly CustomFieldShape[]): ContactView {
    return { contact, customFields: visibleCustomValues(defs, contact.customFields) };
  }

  private page(defs: readonly CustomFieldShape[], page: Page<ContactEntity>): Page<ContactView> {
    return { data: page.data.map((c) => this.view(c, defs)), page: page.page };
  }
}
