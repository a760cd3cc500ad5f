import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

/**
 * helmet's security headers on every answer, errors and 404s included. Its middleware is built
 * once here: @fastify/helmet rebuilds it (option checks, the CSP string) on every request,
 * about 5% of a cheap request's CPU, although without CSP nonces the headers never change.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const apply = helmet(options);
  fastify.addHook('onRequest', (request, reply, done) => {
    // helmet 8 throws rather than passing an error to its callback: the callback only means "finished".
    apply(request.raw, reply.raw, () => done());
  });
}
