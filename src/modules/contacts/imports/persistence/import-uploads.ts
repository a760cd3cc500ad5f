import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CsvInput } from '../application/csv-source';

/** Bytes per stored chunk: big enough for few round trips, small enough to keep memory flat. */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;
/** Bytes per piece read back: as hex text, under what V8 allocates apart as a large object (128 KB). */
const READ_PIECE_BYTES = 48 * 1024;
/** Chunks of an upload that never became an import (the request failed half-way) are swept after this. */
const ORPHAN_AGE = '1 day';

/**
 * Uploaded CSV files, kept in Postgres as ordered chunks (`contacts.import_uploads`): the api
 * that receives a file and the worker that reads it may run on different hosts. Written while
 * the upload streams in, read back chunk by chunk, deleted when the run ends. Outside any
 * transaction on purpose: a chunk is durable once written, whatever the request does next.
 */
@Injectable()
export class ImportUploads {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a stream under `uploadId`; returns its size in bytes. */
  async write(uploadId: string, source: AsyncIterable<Buffer>): Promise<number> {
    let seq = 0;
    let bytes = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (chunk: Buffer) => {
      await this.dataSource.query(`INSERT INTO contacts.import_uploads (upload_id, seq, data) VALUES ($1, $2, $3)`, [uploadId, seq++, chunk]);
    };
    for await (const piece of source) {
      pending.push(piece);
      pendingBytes += piece.length;
      bytes += piece.length;
      while (pendingBytes >= UPLOAD_CHUNK_BYTES) {
        const all = Buffer.concat(pending, pendingBytes);
        await flush(all.subarray(0, UPLOAD_CHUNK_BYTES));
        const rest = all.subarray(UPLOAD_CHUNK_BYTES);
        pending = rest.length ? [Buffer.from(rest)] : [];
        pendingBytes = rest.length;
      }
    }
    if (pendingBytes) await flush(Buffer.concat(pending, pendingBytes));
    return bytes;
  }

  /**
   * The stored file as a CSV input: one chunk in memory at a time, fetched in READ_PIECE_BYTES
   * pieces. The driver hands bytea over as a hex string twice the size of the data: a whole
   * chunk's would be a string of 2 MB, which the garbage collector keeps among long-lived
   * objects until a full collection, so a large file would pile up hundreds of MB of them.
   */
  input(uploadId: string): CsvInput {
    const pieces = async (seq: number): Promise<Buffer[] | null> => {
      const rows: { data: Buffer | null }[] = await this.dataSource.query(
        `SELECT substring(u.data FROM o.at FOR ${READ_PIECE_BYTES}) AS data
           FROM contacts.import_uploads u
           CROSS JOIN LATERAL generate_series(1, greatest(length(u.data), 1), ${READ_PIECE_BYTES}) AS o(at)
          WHERE u.upload_id = $1 AND u.seq = $2
          ORDER BY o.at`,
        [uploadId, seq],
      );
      return rows.length ? rows.map((r) => r.data ?? Buffer.alloc(0)) : null;
    };
    return {
      head: async (bytes) => {
        const rows: { data: Buffer }[] = await this.dataSource.query(
          `SELECT substring(data FROM 1 FOR $3) AS data FROM contacts.import_uploads WHERE upload_id = $1 AND seq = $2`,
          [uploadId, 0, bytes],
        );
        return rows[0]?.data ?? Buffer.alloc(0);
      },
      open: () =>
        Readable.from(
          (async function* () {
            for (let seq = 0; ; seq++) {
              const data = await pieces(seq);
              if (!data) return;
              yield* data;
            }
          })(),
          { objectMode: false },
        ),
      size: async () => {
        const rows: { bytes: string | null }[] = await this.dataSource.query(`SELECT sum(length(data))::bigint AS bytes FROM contacts.import_uploads WHERE upload_id = $1`, [uploadId]);
        return Number(rows[0]?.bytes ?? 0);
      },
    };
  }

  async discard(uploadId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM contacts.import_uploads WHERE upload_id = $1`, [uploadId]);
  }

  /** Deletes chunks left by uploads that never became a running import. */
  async sweepOrphans(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM contacts.import_uploads u WHERE u.created_at < now() - interval '${ORPHAN_AGE}'
         AND NOT EXISTS (SELECT 1 FROM contacts.imports i WHERE i.id = u.upload_id AND i.status IN ('queued', 'running'))`,
    );
  }
}
