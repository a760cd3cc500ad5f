import multipart from '@fastify/multipart';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newId } from '../../../../platform/database/columns';
import { badRequest, DomainError } from '../../../../platform/errors/domain-error';
import { ImportUploads } from '../persistence/import-uploads';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** The only route that takes multipart bodies. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(['/api/v1/imports']);
const MAX_FIELD_BYTES = 256 * 1024;

/** An upload stored in the database (see ImportUploads) and the form fields sent with it. */
export interface SavedUpload {
  /** The stored file's id; an import made of it takes the same id. */
  uploadId: string;
  fileName: string | null;
  bytes: number;
  fields: Record<string, string>;
}

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
   * to a local disk another host cannot read) and collects the other fields, in any order.
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
    try {
      for await (const part of request.parts({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 20, fieldSize: MAX_FIELD_BYTES } })) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') throw badRequest('The upload must be the field named file.', [{ field: part.fieldname.slice(0, 100), message: 'is not a known file field' }]);
          bytes = await this.uploads.write(uploadId, part.file);
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
    return { uploadId, fileName, bytes, fields };
  }

  async discard(upload: SavedUpload): Promise<void> {
    await this.uploads.discard(upload.uploadId);
  }
}
