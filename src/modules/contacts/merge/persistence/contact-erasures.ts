import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/**
 * Which contacts were erased (`POST /contacts/{id}/erase`). An erasure overwrites the row with
 * anonymous values and appends an `erase` entry to the contact's audit history, which is never
 * deleted: that entry is the mark, since the anonymous values themselves may be edited later.
 */
@Injectable()
export class ContactErasures {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async erasedAmong(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: { id: string }[] = await this.txHost.tx.query(
      `SELECT DISTINCT record_id AS id FROM platform.audit_log WHERE resource = 'contacts' AND action = 'erase' AND record_id = ANY($1::uuid[])`,
      [[...ids]],
    );
    return new Set(rows.map((r) => r.id));
  }
}
