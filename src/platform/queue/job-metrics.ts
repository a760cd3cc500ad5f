import { Injectable } from '@nestjs/common';

export type JobOutcome = 'succeeded' | 'failed' | 'retried' | 'skipped';

/**
 * Job outcomes counted by this process (monotonic counters, Prometheus-style): each worker
 * reports its own, the scrape sums them. Queue depths are read from Redis on demand instead.
 */
@Injectable()
export class JobMetrics {
  private readonly counts = new Map<string, number>();

  record(name: string, outcome: JobOutcome): void {
    const key = `${name}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  outcomes(): { name: string; outcome: JobOutcome; count: number }[] {
    return [...this.counts.entries()]
      .map(([key, count]) => {
        const [name, outcome] = key.split('\u0000');
        return { name, outcome: outcome as JobOutcome, count };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.outcome.localeCompare(b.outcome));
  }
}
