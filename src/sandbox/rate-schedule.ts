/**
 * Changes of the sandbox's rate limit while it runs, for tests and benchmarks of a client that must
 * follow EnKash's limit when it moves: "50/s in 20 s, back to 200/s in 35 s". Steps are relative to when
 * the schedule is set; a new schedule replaces the pending steps of the previous one.
 */
import { z } from 'zod';

export type RateStep = { afterMs: number; ratePerSec: number };
export type PendingStep = { atEpochMs: number; ratePerSec: number };

export const RateStepSchema = z.strictObject({
  afterMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000),
  ratePerSec: z.number().min(0),
});

/** `POST /__sandbox/rate-limit`: the limit now, a schedule of later changes, or both. */
export const RateLimitPatchSchema = z.strictObject({
  ratePerSec: z.number().min(0).optional(),
  schedule: z.array(RateStepSchema).max(1000).optional(),
});

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `--rate-limit-schedule 50@20s,200@35s`: RATE@WHEN, comma-separated; WHEN counts from the start and
 * takes ms, s (the default), m or h. Throws an Error naming the step that is wrong.
 */
export function parseRateSchedule(text: string): RateStep[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^(\d+(?:\.\d+)?)@(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(part);
      if (!match) throw new Error(`"${part}" is not RATE@WHEN (e.g. 50@20s: 50 requests/s from 20 s on)`);
      const afterMs = Math.round(Number(match[2]) * (UNIT_MS[match[3] ?? 's'] ?? 1000));
      return RateStepSchema.parse({ afterMs, ratePerSec: Number(match[1]) });
    });
}

export class RateSchedule {
  private timers: NodeJS.Timeout[] = [];
  private steps: PendingStep[] = [];

  constructor(private readonly apply: (ratePerSec: number) => void) {}

  set(steps: RateStep[], nowEpochMs = Date.now()): void {
    this.clear();
    this.steps = steps
      .map((s) => ({ atEpochMs: nowEpochMs + s.afterMs, ratePerSec: s.ratePerSec }))
      .sort((a, b) => a.atEpochMs - b.atEpochMs);
    for (const step of this.steps) {
      const timer = setTimeout(() => {
        this.steps = this.steps.filter((s) => s !== step);
        this.apply(step.ratePerSec);
      }, step.atEpochMs - nowEpochMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  pending(): PendingStep[] {
    return this.steps.map((s) => ({ ...s }));
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.steps = [];
  }
}
