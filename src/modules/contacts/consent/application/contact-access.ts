import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Actor } from '../../../../platform/access/actor';
import { ContactsFacade } from '../../contacts.facade';

/**
 * The contact scope checks, through the contacts facade. ConsentModule lives inside
 * ContactsModule (which imports it), so it cannot import ContactsModule back: the facade is
 * looked up once, at first use, from the application container.
 */
@Injectable()
export class ContactAccess {
  private facade?: ContactsFacade;

  constructor(private readonly moduleRef: ModuleRef) {}

  private get contacts(): ContactsFacade {
    return (this.facade ??= this.moduleRef.get(ContactsFacade, { strict: false }));
  }

  /** 404 unless the actor may read the live contact. */
  async assertReadable(actor: Actor, contactId: string): Promise<void> {
    await this.contacts.getContact(actor, contactId);
  }

  /** 404 unless the actor may update the live contact; locks it until the transaction ends. */
  async lockForUpdate(actor: Actor, contactId: string): Promise<void> {
    await this.contacts.lockContactForUpdate(actor, contactId);
  }
}
