import { DynamicModule, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';

type ModuleImport = NonNullable<DynamicModule['imports']>[number];

const isGlobalEnhancer = (p: Provider): boolean =>
  typeof p === 'object' && p !== null && 'provide' in p && (p.provide === APP_GUARD || p.provide === APP_INTERCEPTOR);

const isDynamicModule = (m: ModuleImport): m is DynamicModule => typeof m === 'object' && m !== null && 'module' in m;

/**
 * `module` and the modules it imports, without their global guards and interceptors.
 *
 * nestjs-cls registers a global guard and a global interceptor even when they are not mounted
 * (as no-ops then). A global interceptor, even one that does nothing, sends every route through
 * Nest's interceptor chain: an rxjs pipeline and two AsyncResource bindings per request, a
 * sizeable share of a cheap request's CPU. The request context is opened by a Fastify hook
 * instead (http/request-context.ts), so they are left out.
 */
export function withoutGlobalEnhancers(module: DynamicModule): DynamicModule {
  return {
    ...module,
    providers: module.providers?.filter((p) => !isGlobalEnhancer(p)),
    imports: module.imports?.map((m) => (isDynamicModule(m) ? withoutGlobalEnhancers(m) : m)),
  };
}

/** The global guards and interceptors `module` and its imports register (for tests). */
export function globalEnhancersOf(module: DynamicModule): Provider[] {
  return [
    ...(module.providers ?? []).filter(isGlobalEnhancer),
    ...(module.imports ?? []).flatMap((m) => (isDynamicModule(m) ? globalEnhancersOf(m) : [])),
  ];
}
