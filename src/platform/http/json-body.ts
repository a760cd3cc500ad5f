import type { FastifyInstance } from 'fastify';
import { badRequest, DomainError } from '../errors/domain-error';

/**
 * Deeper than any request the API defines (a search filter nests 5 groups, about 12 levels):
 * the cap keeps recursive code further in (class-transformer, canonical hashing, loggers) from
 * running out of stack on a hostile body.
 */
export const MAX_JSON_DEPTH = 32;

const malformed = (detail: string) => new DomainError('MALFORMED_BODY', 'bad_request', detail);

/**
 * Rejects keys that poison prototypes once the object is merged or assigned somewhere: an own
 * `__proto__`, or `constructor.prototype` (the rules of Fastify's onProtoPoisoning and
 * onConstructorPoisoning set to 'error'), and bodies nested deeper than MAX_JSON_DEPTH. One
 * iterative walk, so the check itself cannot overflow the stack.
 */
export function assertSafeJson(value: unknown): void {
  const stack: Array<{ node: unknown; depth: number; path: string }> = [{ node: value, depth: 1, path: '' }];
  while (stack.length) {
    const { node, depth, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      throw badRequest(`The body nests deeper than ${MAX_JSON_DEPTH} levels.`, [], 'BODY_TOO_DEEP');
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push({ node: node[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const field = path ? `${path}.${key}` : key;
      const child = record[key];
      if (key === '__proto__' || (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype'))) {
        throw badRequest(`The body uses the reserved key "${key}".`, [{ field, message: 'is a reserved key' }], 'FORBIDDEN_KEY');
      }
      stack.push({ node: child, depth: depth + 1, path: field });
    }
  }
}

/** Parses a JSON request body; every failure is a 400 DomainError with a caller-safe detail. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw malformed('The body is empty but the content type says JSON; send a JSON document or no Content-Type.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 quotes a piece of the input in its message; the position alone is enough to fix it.
    const position = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw malformed(position ? `The body is not valid JSON (error at position ${position}).` : 'The body is not valid JSON.');
  }
  assertSafeJson(value);
  return value;
}

/**
 * The API reads JSON and nothing else: Fastify's text/plain parser goes, and its JSON parser is
 * replaced by one with the checks above. Other content types get 415 from Fastify. (Routes that
 * take uploads register their own multipart parser.)
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
