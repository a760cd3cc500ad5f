import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Actor } from '../../../platform/access/actor';

/**
 * A store of personal data about contacts outside the contact row, activities and the audit
 * log: merge snapshots, import receipts, and later other modules' records (a deal's contact
 * person, a ticket's requester). Each holder answers the two GDPR questions for one contact, in
 * the caller's transaction: what do you keep about them, and replace it with anonymous values.
 *
 * A holder is an injectable class marked `@HoldsPersonalData()`; the personal-data service finds
 * every holder of the app on start, so adding one needs no change here.
 */
export interface PersonalDataHolder {
  /** The section's name in `GET /contacts/{id}/personal-data` (`otherRecords[].holder`). */
  readonly holder: string;
  /** What the records are, for the person reading the answer. */
  readonly description: string;
  /**
   * Every record that holds data about the contact, as stored (JSON), that the actor may see:
   * the same scope as the holder's own endpoints (the caller has checked the contact's).
   */
  export(actor: Actor, contactId: string): Promise<Record<string, unknown>[]>;
  /**
   * Replaces the contact's personal data in these records with the values the erased contact
   * row now holds (or removes the records when they exist only for the person). Returns how
   * many records changed.
   */
  erase(contactId: string): Promise<number>;
  /**
   * Other contact rows that are the same person as this one because this holder folded them
   * into it (the duplicates of merges that still stand, and theirs in turn). An erasure of the
   * contact erases them too.
   */
  absorbed?(contactId: string): Promise<string[]>;
  /**
   * The contact this one was folded into, when it was (the primary of the merge that still
   * stands, followed up a chain of merges to the live one): the person's data is there now.
   */
  absorbedBy?(contactId: string): Promise<{ mergeId: string; primaryId: string } | null>;
}

export const HoldsPersonalData = DiscoveryService.createDecorator<void>();

@Injectable()
export class PersonalDataHolders implements OnModuleInit {
  private found: PersonalDataHolder[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const instances = this.discovery
      .getProviders({ metadataKey: HoldsPersonalData.KEY })
      .map((wrapper) => wrapper.instance as PersonalDataHolder | undefined)
      .filter((instance): instance is PersonalDataHolder => !!instance);
    this.found = [...new Set(instances)].sort((a, b) => a.holder.localeCompare(b.holder));
  }

  all(): readonly PersonalDataHolder[] {
    return this.found;
  }
}
