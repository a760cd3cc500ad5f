import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ConsentChannel } from '../domain/consent.types';
import { ConsentEntryEntity } from './consent-entry.entity';

/**
 * The ledger's data access: insert and read, nothing else (the table refuses the rest).
 * Callers check the contact's scope first, through ContactAccess.
 */
@Injectable()
export class ConsentLedgerRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async append(entry: Omit<ConsentEntryEntity, 'recordedAt' | 'contact'>): Promise<ConsentEntryEntity> {
    const repo = this.txHost.tx.getRepository(ConsentEntryEntity);
    await repo.insert(entry);
    return repo.findOneByOrFail({ id: entry.id });
  }

  /** Every entry of the contact, oldest first. */
  entriesOf(contactId: string, channel?: ConsentChannel): Promise<ConsentEntryEntity[]> {
    return this.txHost.tx.getRepository(ConsentEntryEntity).find({
      where: channel ? { contactId, channel } : { contactId },
      order: { occurredAt: 'ASC', id: 'ASC' },
    });
  }

  /** The entry that decides the channel's status: the one that happened last. */
  latest(contactId: string, channel: ConsentChannel): Promise<ConsentEntryEntity | null> {
    return this.txHost.tx.getRepository(ConsentEntryEntity).findOne({ where: { contactId, channel }, order: { occurredAt: 'DESC', id: 'DESC' } });
  }
}
