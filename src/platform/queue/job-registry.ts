import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { EventDefinition, JOB_HANDLER, JobDefinition, JobHandler, ScheduleDefinition } from './job-definition';

/** What `QueueModule.forFeature([...], { schedules })` contributes: one module's job types and schedules. */
export class JobFeature {
  constructor(
    readonly jobs: readonly JobDefinition[],
    readonly schedules: readonly ScheduleDefinition[] = [],
  ) {}
}

interface Registered {
  definition: JobDefinition;
  handler: JobHandler;
}

export class JobRegistryError extends Error {
  constructor(problems: string[]) {
    super(`Job registry is inconsistent:\n  ${problems.join('\n  ')}`);
    this.name = 'JobRegistryError';
  }
}

/**
 * Checks that job definitions and handlers pair up one-to-one. Pure, so the rules are unit
 * tested; the registry feeds it what it discovered in the Nest container.
 */
export function pairJobs(
  definitions: readonly JobDefinition[],
  handlers: readonly { definition: JobDefinition; handler: JobHandler; className: string }[],
): Map<string, Registered> {
  const problems: string[] = [];
  const byName = new Map<string, JobDefinition>();
  for (const def of definitions) {
    const seen = byName.get(def.name);
    if (seen && seen !== def) problems.push(`job "${def.name}" is defined twice`);
    byName.set(def.name, def);
  }
  const paired = new Map<string, Registered>();
  for (const h of handlers) {
    const def = byName.get(h.definition.name);
    if (!def) {
      problems.push(`${h.className} handles job "${h.definition.name}", which no module registers (QueueModule.forFeature)`);
      continue;
    }
    if (paired.has(def.name)) {
      problems.push(`job "${def.name}" has more than one handler (${h.className} is the second)`);
      continue;
    }
    paired.set(def.name, { definition: def, handler: h.handler });
  }
  for (const name of byName.keys()) {
    if (!paired.has(name)) problems.push(`job "${name}" is registered but has no handler (a provider decorated with @OnJob)`);
  }
  if (problems.length) throw new JobRegistryError(problems);
  return paired;
}

/**
 * Checks the schedules every module declared against the paired jobs: ids are unique across
 * the box (a scheduler id is global in Redis) and each schedule runs a job that has a handler.
 */
export function checkSchedules(schedules: readonly ScheduleDefinition[], paired: ReadonlyMap<string, Registered>): void {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const s of schedules) {
    if (ids.has(s.id)) problems.push(`schedule "${s.id}" is declared twice`);
    ids.add(s.id);
    const job = paired.get(s.job.name);
    if (!job) problems.push(`schedule "${s.id}" runs job "${s.job.name}", which is not registered with a handler`);
    else if (job.definition !== s.job) problems.push(`schedule "${s.id}" runs a different definition of job "${s.job.name}" than the one registered`);
    if ('every' in s.repeat && !(Number.isInteger(s.repeat.every) && s.repeat.every > 0)) problems.push(`schedule "${s.id}" has an invalid interval (${s.repeat.every} ms)`);
    if ('pattern' in s.repeat && !s.repeat.pattern.trim()) problems.push(`schedule "${s.id}" has an empty cron pattern`);
  }
  if (problems.length) throw new JobRegistryError(problems);
}

/** Every job type of the box and its handler, discovered at start-up. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly logger = new Logger('jobs');
  private jobs = new Map<string, Registered>();
  private subscribers = new Map<string, JobDefinition[]>();
  private declaredSchedules: readonly ScheduleDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const definitions: JobDefinition[] = [];
    const schedules: ScheduleDefinition[] = [];
    const handlers: { definition: JobDefinition; handler: JobHandler; className: string }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof JobFeature) {
        definitions.push(...instance.jobs);
        schedules.push(...instance.schedules);
        continue;
      }
      const type = wrapper.metatype && !wrapper.inject ? wrapper.metatype : (instance as object | undefined)?.constructor;
      if (!type || !instance) continue;
      const definition = this.reflector.get<JobDefinition | undefined>(JOB_HANDLER, type as never);
      if (definition) handlers.push({ definition, handler: instance as JobHandler, className: type.name });
    }
    const paired = pairJobs(definitions, handlers);
    checkSchedules(schedules, paired);
    this.jobs = paired;
    this.declaredSchedules = [...schedules].sort((a, b) => a.id.localeCompare(b.id));
    this.subscribers = new Map();
    for (const { definition } of this.jobs.values()) {
      for (const event of definition.on) {
        const list = this.subscribers.get(event.name) ?? [];
        list.push(definition);
        this.subscribers.set(event.name, list);
      }
    }
    this.logger.debug(`${this.jobs.size} job types and ${this.declaredSchedules.length} schedules registered`);
  }

  /** Every schedule of the box: the platform's and those modules declared with their jobs. */
  schedules(): readonly ScheduleDefinition[] {
    return this.declaredSchedules;
  }

  has(name: string): boolean {
    return this.jobs.has(name);
  }

  definition(name: string): JobDefinition | undefined {
    return this.jobs.get(name)?.definition;
  }

  handler(name: string): JobHandler | undefined {
    return this.jobs.get(name)?.handler;
  }

  names(): string[] {
    return [...this.jobs.keys()].sort();
  }

  /** The jobs an event fans out to (possibly none: an event is still recorded for the change feed). */
  subscribersOf(event: EventDefinition | string): readonly JobDefinition[] {
    return this.subscribers.get(typeof event === 'string' ? event : event.name) ?? [];
  }
}
