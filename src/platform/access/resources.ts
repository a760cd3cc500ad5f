/**
 * Every resource a role can grant, by module. Role permissions are validated against this list
 * (an unknown resource in a role is a 400), so a module that adds a resource adds its name here,
 * and a migration of its own extends the built-in roles' permissions.
 */
export const RESOURCE_REGISTRY = {
  platform: ['users', 'teams', 'roles', 'api-keys', 'audit', 'jobs', 'custom-fields', 'webhooks', 'settings'],
  contacts: ['contacts', 'companies', 'activities', 'tags', 'imports'],
  sales: ['leads', 'deals', 'pipelines', 'products', 'quotes'],
  service: ['tickets', 'sla-policies', 'kb'],
  marketing: ['segments', 'campaigns', 'email-templates'],
  analytics: ['reports', 'dashboards'],
} as const satisfies Record<string, readonly string[]>;

export type ResourceModule = keyof typeof RESOURCE_REGISTRY;
export type ResourceName = (typeof RESOURCE_REGISTRY)[ResourceModule][number];

/** The flat list of resource names, in registry order. */
export function allResources(): string[] {
  return Object.values(RESOURCE_REGISTRY).flat();
}

export function isKnownResource(name: string): boolean {
  return Object.values(RESOURCE_REGISTRY).some((list: readonly string[]) => list.includes(name));
}
