import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { ClsService } from 'nestjs-cls';
import { Actor } from '../../../../platform/access/actor';
import { newId } from '../../../../platform/database/columns';
import { invalid } from '../../../../platform/errors/domain-error';
import { currentConsents } from '../domain/consent.rules';
import { ChannelConsent, ConsentChannel, ConsentStatus, LegalBasis, MAX_CLOCK_SKEW_MS } from '../domain/consent.types';
import { ConsentEntryEntity } from '../persistence/consent-entry.entity';
import { ConsentLedgerRepository } from '../persistence/consent-ledger.repository';
import { ContactAccess } from './contact-access';

export interface ConsentInput {
  channel: ConsentChannel;
  status: ConsentStatus;
  legalBasis: LegalBasis;
  source: string;
  occurredAt?: string;
}

export interface ConsentLedger {
  current: ChannelConsent[];
  entries: ConsentEntryEntity[];
}

@Injectable()
export class ConsentService {
  constructor(
    private readonly ledger: ConsentLedgerRepository,
    private readonly access: ContactAccess,
    private readonly cls: ClsService,
  ) {}

  /** Appends a grant or withdrawal; recording it is a change to the contact (update scope). */
  @Transactional()
  async record(actor: Actor, contactId: string, input: ConsentInput): Promise<ConsentEntryEntity> {
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date();
    if (occurredAt.getTime() > Date.now() + MAX_CLOCK_SKEW_MS) throw invalid('occurredAt', 'must not be in the future');
    await this.access.lockForUpdate(actor, contactId);
    const requestId = actor.requestId ?? (this.cls.isActive() ? (this.cls.getId() as string | undefined) : undefined) ?? null;
    return this.ledger.append({
      id: newId(),
      contactId,
      channel: input.channel,
      status: input.status,
      legalBasis: input.legalBasis,
      source: input.source,
      occurredAt,
      requestId: requestId ? String(requestId).slice(0, 128) : null,
      actorType: actor.type,
      actorId: actor.id.slice(0, 64),
    });
  }

  async ledgerOf(actor: Actor, contactId: string): Promise<ConsentLedger> {
    await this.access.assertReadable(actor, contactId);
    const entries = await this.ledger.entriesOf(contactId);
    return { current: currentConsents(entries), entries };
  }
}
