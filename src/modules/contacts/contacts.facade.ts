import { Injectable } from '@nestjs/common';
import { Actor } from '../../platform/access/actor';
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

/**
 * The contacts module as other modules see it (activities, sales, service desk, marketing):
 * scoped reads by id. Everything else they learn from the `contact.*` / `company.*` events.
 */
@Injectable()
export class ContactsFacade {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyRepository,
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
