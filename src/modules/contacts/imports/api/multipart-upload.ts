import multipart from '@fastify/multipart';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, Hash } from 'node:crypto';
import { newId } from '../../../../platform/database/columns';
import { badRequest, DomainError } from '../../../../platform/errors/domain-error';
import { canonicalJson } from '../../../../platform/http/idempotency/idempotency-key';
import { TextScan } from '../application/text-scan';
import { ImportUploads } from '../persistence/import-uploads';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** The only route that takes multipart bodies. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(['/api/v1/imports']);
const MAX_FIELD_BYTES = 256 * 1024;
/**
 * Content types a CSV file part may have: what browsers and tools send for .csv files (Excel on
 * Windows registers application/vnd.ms-excel; many send no type or a generic one).
 */
export const CSV_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'text/csv',
  'text/plain',
  'application/csv',
  'text/x-csv',
  'application/x-csv',
  'text/comma-separated-values',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);

/** An upload stored in the database (see ImportUploads) and the form fields sent with it. */
export interface SavedUpload {
  /** The stored file's id; an import made of it takes the same id. */
  uploadId: string;
  fileName: string | null;
  bytes: number;
  /** Lines of the file (line breaks, plus a last line without one). */
  lines: number;
  fields: Record<string, string>;
  /** SHA-256 (hex) of the form fields, the file name and the file's bytes: what identifies the request for Idempotency-Key. */
  digest: string;
}

/** The file part's bytes, checked as text (UTF-8, no NUL in its head) and hashed as they stream by. */
async function* checked(file: AsyncIterable<Buffer>, scan: TextScan, hash: Hash): AsyncGenerator<Buffer> {
  for await (const piece of file) {
    scan.push(piece);
    hash.update(piece);
    yield piece;
  }
  scan.end();
}

/** A part's content type without parameters, lower-case ('' when it has none). */
const mediaType = (mimetype: string | undefined): string => (mimetype ?? '').split(';')[0].trim().toLowerCase();

const tooLarge = () => new DomainError('PAYLOAD_TOO_LARGE', 'payload_too_large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`);

/**
 * Multipart parsing for the import upload. The plugin only marks multipart requests and reads
 * nothing until a handler asks, so the global 1 MiB body limit and the JSON-only parsing of every
 * other route are untouched; the size limits are given per call.
 */
@Injectable()
export class MultipartUploads implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly uploads: ImportUploads,
  ) {}

  onModuleInit(): void {
    // Worker and CLI contexts have no HTTP server.
    const fastify = this.host?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || fastify.hasRequestDecorator('isMultipart')) return;
    // Not awaited: awaiting would load the plugin queue now, before Nest installs its error
    // handler, and routes would keep Fastify's default one. Fastify loads it at ready().
    void fastify.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 20, fieldSize: MAX_FIELD_BYTES } });
    // The plugin's parser is global; every other route keeps answering multipart with 415.
    fastify.addHook('preValidation', async (request) => {
      if (request.isMultipart() && !UPLOAD_ROUTES.has(request.routeOptions.url ?? '')) {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'unsupported_media_type', 'This endpoint takes JSON, not multipart/form-data.');
      }
    });
  }

  /**
   * Streams the single `file` part into the database in chunks (never whole into memory, never
   * to a local disk another host cannot read) and collects the other fields, in any order. The
   * file is checked as it streams: a CSV or text content type (else 415), text (no NUL bytes in
   * its head) and UTF-8 (else 400, naming the line); its lines are counted and its bytes hashed.
   */
  async save(request: FastifyRequest): Promise<SavedUpload> {
    if (typeof request.isMultipart !== 'function' || !request.isMultipart()) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'unsupported_media_type', 'Send the file as multipart/form-data.');
    }
    // Chunks of uploads whose request died half-way (a crashed api) go here, a day later.
    await this.uploads.sweepOrphans();
    const uploadId = newId();
    const fields: Record<string, string> = {};
    let saved = false;
    let bytes = 0;
    let fileName: string | null = null;
    const scan = new TextScan();
    const hash = createHash('sha256');
    try {
      for await (const part of request.parts({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 20, fieldSize: MAX_FIELD_BYTES } })) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') throw badRequest('The upload must be the field named file.', [{ field: part.fieldname.slice(0, 100), message: 'is not a known file field' }]);
          const type = mediaType(part.mimetype);
          if (type && !CSV_CONTENT_TYPES.has(type)) {
            throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'unsupported_media_type', `The file must be a CSV file, not ${type.slice(0, 100)}.`, [
              { field: 'file', message: `must be CSV (text/csv or text/plain), not ${type.slice(0, 100)}` },
            ]);
          }
          bytes = await this.uploads.write(uploadId, checked(part.file, scan, hash));
          if (part.file.truncated) throw tooLarge();
          fileName = part.filename ? part.filename.slice(0, 255) : null;
          saved = true;
        } else {
          fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
        }
      }
    } catch (err) {
      await this.uploads.discard(uploadId);
      const code = (err as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') throw badRequest('Too many form fields or files: send one file and the import fields.', [], 'BAD_REQUEST');
      throw err;
    }
    if (!saved) throw badRequest('A CSV file is required.', [{ field: 'file', message: 'is required' }], 'VALIDATION_FAILED');
    const digest = createHash('sha256').update(`${canonicalJson(fields)}\n${fileName ?? ''}\n${hash.digest('hex')}`).digest('hex');
    return { uploadId, fileName, bytes, lines: scan.lines, fields, digest };
  }

  async discard(upload: SavedUpload): Promise<void> {
    await this.uploads.discard(upload.uploadId);
  }
}
