import { Injectable, Logger, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { JobsMetrics, JobsService } from '../queue/jobs.service';
import { QUEUE_NAME } from '../queue/queue.constants';

/** The slice of pg's Pool that the pool gauges read. */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The process's Prometheus registry. One registry per application (not prom-client's global one)
 * so that several apps in one process (tests) never collide on metric names.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('metrics');
  readonly registry = new Registry();
  /** Fetched once per scrape and read by the queue collectors below. */
  private jobs: JobsMetrics | undefined;

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(
    dataSource: DataSource,
    @Optional() private readonly jobsService?: JobsService,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const pool = (): PgPoolCounts | undefined =>
      dataSource.isInitialized ? (dataSource.driver as unknown as { master?: PgPoolCounts }).master : undefined;
    const poolGauge = (name: string, help: string, read: (p: PgPoolCounts) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const p = pool();
          if (p) this.set(read(p));
        },
      });
    poolGauge('crm_db_pool_connections_total', 'Connections open in the Postgres pool.', (p) => p.totalCount);
    poolGauge('crm_db_pool_connections_idle', 'Idle connections in the Postgres pool.', (p) => p.idleCount);
    poolGauge('crm_db_pool_requests_waiting', 'Queries waiting for a free Postgres connection.', (p) => p.waitingCount);

    const latest = () => this.jobs;
    new Gauge({
      name: 'crm_queue_jobs',
      help: 'Jobs in the queue by state (shared by every process: read from Redis at scrape time).',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const depth = latest()?.depth;
        if (!depth) return;
        for (const [state, count] of Object.entries(depth)) this.set({ queue: QUEUE_NAME, state }, count);
      },
    });
    new Counter({
      name: 'crm_jobs_total',
      help: 'Jobs finished by this process since it started, by job name and outcome.',
      labelNames: ['job', 'outcome'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const o of latest()?.outcomes ?? []) this.inc({ job: o.name, outcome: o.outcome }, o.count);
      },
    });
  }

  /** The histogram's series per method, status and route, so a request skips prom-client's label hashing. */
  private readonly httpSeries = new Map<string, { observe(value: number): void }>();

  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let series = this.httpSeries.get(key);
    if (!series) {
      series = this.httpDuration.labels({ method, route, status_code: String(statusCode) });
      this.httpSeries.set(key, series);
    }
    series.observe(seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    this.jobs = undefined;
    if (this.jobsService) {
      try {
        // Redis down must not cost the scrape the other metrics: queue figures are then absent.
        this.jobs = await Promise.race([
          this.jobsService.metrics(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('queue metrics timed out')), 1000).unref()),
        ]);
      } catch (err) {
        this.logger.warn(`queue metrics unavailable: ${(err as Error).message}`);
      }
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
