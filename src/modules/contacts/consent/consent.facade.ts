import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ChannelConsent, ConsentChannel } from './domain/consent.types';
import { ConsentEntryEntity } from './persistence/consent-entry.entity';
import { ConsentLedgerRepository } from './persistence/consent-ledger.repository';

export type { ChannelConsent, ConsentChannel } from './domain/consent.types';

/** What the rest of the box (marketing sends, personal-data exports) asks of the consent ledger. */
@Injectable()
export class ConsentFacade {
  constructor(
    private readonly ledger: ConsentLedgerRepository,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /**
   * The contact's current status on the channel. No scope check: callers are jobs that already
   * hold the contact id (a campaign send), and the answer reveals nothing but the status.
   * `unknown` is not a grant: a sender that needs consent must treat it as a refusal.
   */
  async consentStatus(contactId: string, channel: ConsentChannel): Promise<ChannelConsent> {
    const latest = await this.ledger.latest(contactId, channel);
    if (!latest) return { channel, status: 'unknown', legalBasis: null, since: null, entryId: null };
    return { channel, status: latest.status, legalBasis: latest.legalBasis, since: latest.occurredAt, entryId: latest.id };
  }

  /** The whole ledger of the contact, oldest first (the caller has checked the scope). */
  entriesOf(contactId: string): Promise<ConsentEntryEntity[]> {
    return this.ledger.entriesOf(contactId);
  }

  /**
   * Merging: the duplicates' evidence now belongs to the primary. The table lets an entry change
   * its contact and nothing else, and only inside this transaction. Returns what moved, by origin.
   */
  @Transactional()
  async moveEntries(fromIds: readonly string[], toId: string): Promise<{ fromId: string; entryIds: string[] }[]> {
    const tx = this.txHost.tx;
    await tx.query(`SELECT set_config('contacts.consent_move', 'on', true)`);
    const [rows]: [{ id: string; from_id: string }[], number] = await tx.query(
      `UPDATE contacts.consent_entries c SET contact_id = $2
       FROM (SELECT id, contact_id AS from_id FROM contacts.consent_entries WHERE contact_id = ANY($1::uuid[]) FOR UPDATE) o
       WHERE c.id = o.id RETURNING c.id, o.from_id`,
      [[...fromIds], toId],
    );
    await tx.query(`SELECT set_config('contacts.consent_move', 'off', true)`);
    return fromIds.map((fromId) => ({ fromId, entryIds: rows.filter((r) => r.from_id === fromId).map((r) => r.id) }));
  }

  /** Undoing a merge: each moved entry goes back to the contact it came from. */
  @Transactional()
  async moveBack(moves: readonly { fromId: string; entryIds: string[] }[]): Promise<void> {
    const tx = this.txHost.tx;
    await tx.query(`SELECT set_config('contacts.consent_move', 'on', true)`);
    for (const m of moves) {
      if (m.entryIds.length) await tx.query(`UPDATE contacts.consent_entries SET contact_id = $2 WHERE id = ANY($1::uuid[])`, [m.entryIds, m.fromId]);
    }
    await tx.query(`SELECT set_config('contacts.consent_move', 'off', true)`);
  }
}
