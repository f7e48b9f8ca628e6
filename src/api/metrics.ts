/**
 * Prometheus metrics. EnKash calls are counted as this process makes them (so with `serve` running its
 * own workers they cover the sync; a separate `worker` process's calls are not seen here). Queue depth
 * and rows by outcome are read from Redis at scrape time, so they are the same whichever process is
 * scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../app.js';
import { OUTCOMES } from '../domain/types.js';

/** Imports summed into `customer_sync_rows` (newest first); older ones have usually expired anyway. */
const ROW_SCAN_IMPORTS = 500;
const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;

export type ApiMetrics = { registry: Registry; close(): void };

export function createMetrics(app: App): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'customer_sync_' });
  const calls = new Counter({
    name: 'customer_sync_enkash_calls_total',
    help: 'EnKash HTTP calls made by this process, by operation and HTTP status (none: no answer)',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'customer_sync_enkash_call_duration_seconds',
    help: 'EnKash call latency, by operation',
    labelNames: ['operation'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'customer_sync_enkash_rate_limited_total',
    help: 'EnKash answers 429 (rate limited) seen by this process, by operation',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'customer_sync_queue_jobs',
    help: 'Jobs in each BullMQ queue, by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of [app.queues.imports, app.queues.rows]) {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'customer_sync_enkash_circuit_open',
    help: 'EnKash circuit breaker, shared by every process: 1 while it holds calls back (EnKash failing), else 0',
    registers: [registry],
    async collect() {
      this.set((await app.client.breaker.tripped()) ? 1 : 0);
    },
  });
  registerRateGauges(app, registry);
  new Gauge({
    name: 'customer_sync_rows',
    help: `Rows by outcome, summed over the ${ROW_SCAN_IMPORTS} newest imports kept in Redis`,
    labelNames: ['outcome'] as const,
    registers: [registry],
    async collect() {
      const metas = await app.imports.list(0, ROW_SCAN_IMPORTS);
      this.reset();
      for (const outcome of OUTCOMES) {
        this.set(
          { outcome },
          metas.reduce((sum, m) => sum + (m?.counts[outcome] ?? 0), 0),
        );
      }
    },
  });
  const unsubscribe = app.observeCalls((call) => {
    calls.inc({ operation: call.operation, status: call.status === null ? 'none' : String(call.status) });
    latency.observe({ operation: call.operation }, call.durationMs / 1000);
    if (call.status === 429) rateLimited.inc({ operation: call.operation });
  });
  return { registry, close: unsubscribe };
}

/**
 * The EnKash request rate every process shares, read from Redis at scrape time: the working rate, the
 * ceiling, the limit learned from 429s, and why it last changed (one series, its labels replaced).
 */
function registerRateGauges(app: App, registry: Registry): void {
  // Gauges may be collected concurrently: each reads the shared state itself.
  const read = () => app.client.rateStatus();
  new Gauge({
    name: 'customer_sync_enkash_rate_per_sec',
    help: 'EnKash requests per second allowed now (adaptive: found at run time; fixed: ENKASH_RATE_LIMIT_PER_SEC)',
    registers: [registry],
    async collect() {
      this.set((await read()).ratePerSec);
    },
  });
  new Gauge({
    name: 'customer_sync_enkash_rate_ceiling_per_sec',
    help: 'ENKASH_RATE_LIMIT_PER_SEC, the rate never exceeded (absent: no ceiling)',
    registers: [registry],
    async collect() {
      this.reset();
      const last = await read();
      if (last.ceilingPerSec !== null) this.set(last.ceilingPerSec);
    },
  });
  new Gauge({
    name: 'customer_sync_enkash_rate_limit_estimate_per_sec',
    help: 'What EnKash served in the second before its last 429: the limit as learned (absent: none yet)',
    registers: [registry],
    async collect() {
      this.reset();
      const last = await read();
      if ('limitEstimatePerSec' in last && last.limitEstimatePerSec !== null)
        this.set(last.limitEstimatePerSec);
    },
  });
  new Gauge({
    name: 'customer_sync_enkash_rate_margin_ms',
    help: "Added to this process's 1-second rate window: learned from the spread of EnKash's answer times (ENKASH_RATE_MARGIN_MS fixes it)",
    registers: [registry],
    collect() {
      this.set(app.client.limiter.margin.ms());
    },
  });
  new Gauge({
    name: 'customer_sync_enkash_rate_info',
    help: 'Always 1: the adaptive rate phase (start, hold, probe; fixed) and why the rate last changed',
    labelNames: ['phase', 'reason', 'changed_at'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const last = await read();
      const reason = 'reason' in last ? last.reason : 'ENKASH_RATE_ADAPTIVE=false';
      const changedAt = 'changedAt' in last ? last.changedAt : '';
      this.set({ phase: last.phase, reason, changed_at: changedAt }, 1);
    },
  });
}
