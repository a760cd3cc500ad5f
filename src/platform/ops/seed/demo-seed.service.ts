import { Injectable } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { DEMO_SEEDER, DemoSeeder, DemoSeederMeta, DemoSeedContext } from './demo-seeder';

export interface DiscoveredSeeder extends DemoSeederMeta {
  instance: DemoSeeder;
}

/** Finds every `@DemoSeederStep` provider of the application and runs them in order. */
@Injectable()
export class DemoSeedService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  seeders(): DiscoveredSeeder[] {
    const found: DiscoveredSeeder[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const meta = this.reflector.get<DemoSeederMeta | undefined>(DEMO_SEEDER, wrapper.metatype as Function);
      if (!meta) continue;
      if (typeof (wrapper.instance as Partial<DemoSeeder>).seed !== 'function') {
        throw new Error(`Demo seeder "${meta.name}" (${wrapper.name}) has no seed() method`);
      }
      found.push({ ...meta, instance: wrapper.instance as DemoSeeder });
    }
    const names = new Set<string>();
    for (const s of found) {
      if (names.has(s.name)) throw new Error(`Two demo seeders are named "${s.name}"`);
      names.add(s.name);
    }
    return found.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  async run(print: (line: string) => void): Promise<string[]> {
    const ctx: DemoSeedContext = { print, shared: new Map() };
    const ran: string[] = [];
    for (const seeder of this.seeders()) {
      print(`- ${seeder.name}`);
      await seeder.instance.seed(ctx);
      ran.push(seeder.name);
    }
    return ran;
  }
}
