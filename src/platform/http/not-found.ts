import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { sendProblem } from './problem.filter';

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/api/v1/jobs/:id/retry` → a regex for concrete paths; `*` matches the rest of the path. */
function patternOf(url: string): RegExp {
  const body = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return escape(segment);
    })
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/**
 * The routes Fastify knows, by path pattern, so that a request no route answers can be told
 * apart: a path that exists under other methods is a 405 with `Allow`, anything else a 404.
 * Fed by Fastify's onRoute hook; CORS' catch-all OPTIONS route and HEAD twins are left out
 * (they exist for every path and would make every path look known).
 */
export class RouteTable {
  private readonly routes = new Map<string, KnownRoute>();

  add(route: Pick<RouteOptions, 'method' | 'url'>): void {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase()).filter((m) => m !== 'OPTIONS' && m !== 'HEAD');
    if (!methods.length || !route.url) return;
    let known = this.routes.get(route.url);
    if (!known) {
      known = { pattern: patternOf(route.url), methods: new Set() };
      this.routes.set(route.url, known);
    }
    for (const m of methods) known.methods.add(m);
  }

  /** Methods some route answers for this concrete path (HEAD included where GET is). */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const { pattern, methods } of this.routes.values()) {
      if (pattern.test(path)) for (const m of methods) allowed.add(m);
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  }

  attach(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => this.add(route));
  }
}

export function notFoundHandler(routes: RouteTable) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?')[0];
    const allowed = routes.allowedMethods(path);
    if (allowed.length && !allowed.includes(request.method)) {
      return sendProblem(
        new DomainError('METHOD_NOT_ALLOWED', 'method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}.`, [], { Allow: allowed.join(', ') }),
        request,
        reply,
      );
    }
    return sendProblem(new DomainError('ROUTE_NOT_FOUND', 'not_found', 'No such route.'), request, reply);
  };
}
