import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

export interface ScrapeTimeReadOptions {
  /** Longer than this and the scrape goes on without the value (the gauges show NaN). */
  readonly timeoutMs: number;
  /** For logs: what is read. */
  readonly name: string;
}

/**
 * A read made when Prometheus scrapes, shared by the gauges that show it (prom-client collects the
 * gauges of one scrape at the same time): at most one read in flight, so a slow database never
 * piles reads up, and bounded in time. A read that fails or is too slow gives null, so its gauges
 * show NaN and `/metrics` still answers with everything else.
 */
export class ScrapeTimeRead<T> {
  private readonly logger = new Logger(ScrapeTimeRead.name);
  private inFlight?: Promise<T>;
  private failing = false;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly options: ScrapeTimeReadOptions,
  ) {}

  get(): Promise<T | null> {
    if (!this.inFlight) {
      const started = this.read();
      this.inFlight = started;
      const clear = (): void => {
        if (this.inFlight === started) this.inFlight = undefined;
      };
      started.then(clear, clear);
    }
    return this.bounded(this.inFlight);
  }

  private bounded(read: Promise<T>): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.noteFailure(`took longer than ${this.options.timeoutMs} ms`);
        resolve(null);
      }, this.options.timeoutMs);
      timer.unref();
      read.then(
        (value) => {
          clearTimeout(timer);
          if (this.failing) this.logger.log(`${this.options.name}: read again`);
          this.failing = false;
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          this.noteFailure(error instanceof Error ? error.message : String(error));
          resolve(null);
        },
      );
    });
  }

  /** Logged when reads start failing, not at every scrape while the database is away. */
  private noteFailure(why: string): void {
    if (!this.failing) this.logger.warn(`${this.options.name}: not read for /metrics, its gauges show NaN until it is: ${why}`);
    this.failing = true;
  }
}

/**
 * Runs `work` in a transaction whose statements the server cancels after `timeoutMs`, so a scrape's query
 * cannot hold a connection longer than the scrape waits for it.
 */
export function readWithStatementTimeout<T>(dataSource: DataSource, timeoutMs: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    return work(manager);
  });
}
