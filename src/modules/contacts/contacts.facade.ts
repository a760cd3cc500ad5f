import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor } from '../../platform/access/actor';
import { CustomFieldsService } from './application/custom-fields.service';
import { CompanyLink, ContactEmail, ContactPhone } from './domain/contact.types';
import { CompanyRepository } from './persistence/company.repository';
import { ContactRepository } from './persistence/contact.repository';

/** What other modules may know of a contact or a company. */
export interface ContactSummary {
  id: string;
  firstName: string | null;
  lastName: string | null;
  primaryEmail: string | null;
  companyIds: string[];
  ownerId: string | null;
  teamId: string | null;
}

export interface CompanySummary {
  id: string;
  name: string;
  ownerId: string | null;
  teamId: string | null;
}

/** Everything the contact row holds about the person (GET /contacts/{id}/personal-data). */
export interface ContactPersonalRecord {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  firstName: string | null;
  lastName: string | null;
  emails: ContactEmail[];
  phones: ContactPhone[];
  jobTitle: string | null;
  address: { street: string | null; city: string | null; region: string | null; postalCode: string | null; country: string | null };
  lifecycleStage: string | null;
  source: string | null;
  tags: string[];
  companyLinks: (CompanyLink & { companyName: string | null })[];
  customFields: Record<string, unknown>;
  ownerId: string | null;
  teamId: string | null;
}

/** Custom field types whose values may describe the person; the others are categories and figures. */
const PERSONAL_CUSTOM_FIELD_TYPES = new Set(['text', 'url', 'email', 'date']);

export const ERASED_NAME = '[erased]';

/**
 * The contacts module as other modules see it (activities, sales, service desk, marketing):
 * scoped reads by id. Everything else they learn from the `contact.*` / `company.*` events.
 */
@Injectable()
export class ContactsFacade {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyRepository,
    private readonly customFields: CustomFieldsService,
  ) {}

  /** The contact, if the actor may read it (404 otherwise, as for the actor's own requests). */
  async getContact(actor: Actor, id: string): Promise<ContactSummary> {
    const c = await this.contacts.findOne(actor, id);
    return { id: c.id, firstName: c.firstName, lastName: c.lastName, primaryEmail: c.primaryEmail, companyIds: c.companyIds, ownerId: c.ownerId, teamId: c.teamId };
  }

  async getCompany(actor: Actor, id: string): Promise<CompanySummary> {
    const c = await this.companies.findOne(actor, id);
    return { id: c.id, name: c.name, ownerId: c.ownerId, teamId: c.teamId };
  }

  /**
   * Locks a live contact the actor may update (404 otherwise) until the caller's transaction
   * ends: what is appended about it (consents) cannot race an erasure or a merge.
   */
  async lockContactForUpdate(actor: Actor, id: string): Promise<void> {
    await this.contacts.lockForUpdate(actor, id);
  }

  /** The contact row as stored, recycle bin included, if the actor may read it (404 otherwise). */
  async personalRecord(actor: Actor, id: string): Promise<ContactPersonalRecord> {
    const c = await this.contacts.findOne(actor, id, { deleted: 'any' });
    const names = new Map<string, string>();
    for (const link of c.companyLinks) {
      // A company outside the actor's scope stays a bare id, as in the contact's own answer.
      if (!(await this.companies.canRead(actor, link.companyId))) continue;
      const company = await this.companies.findOne(actor, link.companyId, { deleted: 'any' });
      names.set(company.id, company.name);
    }
    return {
      id: c.id,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      deletedAt: c.deletedAt,
      firstName: c.firstName,
      lastName: c.lastName,
      emails: c.emails,
      phones: c.phones,
      jobTitle: c.jobTitle,
      address: { street: c.street, city: c.city, region: c.region, postalCode: c.postalCode, country: c.country },
      lifecycleStage: c.lifecycleStage,
      source: c.source,
      tags: c.tags,
      companyLinks: c.companyLinks.map((l) => ({ companyId: l.companyId, role: l.role, companyName: names.get(l.companyId) ?? null })),
      customFields: c.customFields,
      ownerId: c.ownerId,
      teamId: c.teamId,
    };
  }

  /**
   * Replaces the person's data on the contact row with anonymous values (delete scope, recycle
   * bin included; 404 otherwise). Keeps what is not about the person: owner, team, lifecycle
   * stage, source, tags, company links, custom fields of non-personal types. Not audited with
   * values; returns the names and addresses that were erased, so the caller can erase them elsewhere.
   */
  @Transactional()
  async eraseRecord(actor: Actor, id: string): Promise<{ firstName: string | null; lastName: string | null; emails: string[]; phones: string[] }> {
    const current = await this.contacts.lockForErasure(actor, id);
    const personal = new Set((await this.customFields.shapes('contact')).filter((d) => PERSONAL_CUSTOM_FIELD_TYPES.has(d.type)).map((d) => d.key));
    const customFields = Object.fromEntries(Object.entries(current.customFields).filter(([key]) => !personal.has(key)));
    await this.contacts.overwriteUnaudited(current, {
      firstName: ERASED_NAME,
      lastName: null,
      emails: [],
      phones: [],
      primaryEmail: null,
      primaryPhone: null,
      emailKeys: [],
      phoneKeys: [],
      jobTitle: null,
      street: null,
      city: null,
      region: null,
      postalCode: null,
      country: null,
      customFields,
      searchText: '',
    });
    return { firstName: current.firstName, lastName: current.lastName, emails: current.emails.map((e) => e.email), phones: current.phones.map((p) => p.number) };
  }

  /** After an erasure: the erased names' words leave the name words `q` reads for typos, unless another contact's name holds them. */
  async forgetNames(names: readonly { firstName: string | null; lastName: string | null }[]): Promise<void> {
    await this.contacts.forgetNameWords(names);
  }

  /** Whether the actor may read the contact (deleted ones included). */
  canReadContact(actor: Actor, id: string): Promise<boolean> {
    return this.contacts.canRead(actor, id);
  }

  canReadCompany(actor: Actor, id: string): Promise<boolean> {
    return this.companies.canRead(actor, id);
  }

  /** The ids among `ids` of live companies the actor may read. */
  readableCompanyIds(actor: Actor, ids: readonly string[]): Promise<Set<string>> {
    return this.companies.readableIds(actor, ids);
  }
}
