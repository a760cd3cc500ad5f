import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Actor } from '../../../../platform/access/actor';
import { DomainError } from '../../../../platform/errors/domain-error';
import { ContactsFacade } from '../../contacts.facade';
import { SubjectType } from '../domain/activity.types';

/**
 * "May this caller see that contact (company, …)?", answered by the contacts facade's scoped
 * read of live records: a contact in the recycle bin cannot be linked, and its timeline is a
 * 404 like the contact itself. Deals and tickets answer false until their modules offer a check.
 *
 * ActivitiesModule lives inside ContactsModule (which calls ActivitiesFacade when it merges or
 * erases contacts), so it cannot import ContactsModule back: the facade is looked up once, at
 * first use, from the application container.
 */
@Injectable()
export class SubjectAccess {
  private facade?: ContactsFacade;

  constructor(private readonly moduleRef: ModuleRef) {}

  private get contacts(): ContactsFacade {
    return (this.facade ??= this.moduleRef.get(ContactsFacade, { strict: false }));
  }

  async canRead(actor: Actor, type: SubjectType, id: string): Promise<boolean> {
    try {
      if (type === 'contact') await this.contacts.getContact(actor, id);
      else if (type === 'company') await this.contacts.getCompany(actor, id);
      else return false;
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'not_found') return false;
      throw err;
    }
  }
}
