/**
 * Faults and limits the sandbox can inject, as plain data plus the small decisions made from them.
 * Everything here is pure: randomness and clocks are passed in.
 */
import { z } from 'zod';
import type { SandboxFaults } from './types.js';

export const DEFAULT_FAULTS: SandboxFaults = {
  ratePerSec: 0,
  retryAfterFormat: 'seconds',
  latencyMs: 0,
  jitterMs: 0,
  failureRate: 0,
  hangCreateRate: 0,
  rejectWriteRate: 0,
  failWriteRate: 0,
  rateLimitedUntil: 0,
  outageUntil: 0,
  outageKind: '5xx',
};

const share = z.number().min(0).max(1);
const epochMs = z.number().min(0);

/** A partial update of the faults, as the admin endpoint and `setFaults` accept it. */
export const FaultsPatchSchema = z.strictObject({
  ratePerSec: z.number().min(0).optional(),
  retryAfterFormat: z.enum(['seconds', 'http-date']).optional(),
  latencyMs: z.number().int().min(0).optional(),
  jitterMs: z.number().int().min(0).optional(),
  failureRate: share.optional(),
  hangCreateRate: share.optional(),
  rejectWriteRate: share.optional(),
  failWriteRate: share.optional(),
  rateLimitedUntil: epochMs.optional(),
  outageUntil: epochMs.optional(),
  outageKind: z.enum(['5xx', 'timeout']).optional(),
  // Relative forms for scripts in another process: "a 429 storm for the next 3 s".
  rateLimitedForMs: z.number().int().min(0).optional(),
  outageForMs: z.number().int().min(0).optional(),
});
export type FaultsPatch = z.infer<typeof FaultsPatchSchema>;

export function applyFaultsPatch(
  current: SandboxFaults,
  patch: FaultsPatch,
  nowEpochMs: number,
): SandboxFaults {
  const { rateLimitedForMs, outageForMs, ...absolute } = patch;
  const next: SandboxFaults = { ...current, ...definedOnly(absolute) };
  if (rateLimitedForMs !== undefined) next.rateLimitedUntil = nowEpochMs + rateLimitedForMs;
  if (outageForMs !== undefined) next.outageUntil = nowEpochMs + outageForMs;
  return next;
}

/** Validates a patch; throws an Error naming every bad field. */
export function parseFaultsPatch(input: unknown): FaultsPatch {
  const parsed = FaultsPatchSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new Error(
    `invalid sandbox faults: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
  );
}

export function latencyMs(faults: SandboxFaults, random: () => number): number {
  return faults.latencyMs + (faults.jitterMs > 0 ? random() * faults.jitterMs : 0);
}

const FAILURE_STATUSES = [500, 502, 503] as const;

export function failureStatus(random: () => number): number {
  return FAILURE_STATUSES[Math.floor(random() * FAILURE_STATUSES.length)] ?? 500;
}

/** `Retry-After` as whole seconds rounded up, or as an HTTP-date rounded up to the next second. */
export function retryAfterHeader(
  waitMs: number,
  format: SandboxFaults['retryAfterFormat'],
  nowEpochMs: number,
): string {
  if (format === 'seconds') return String(Math.max(1, Math.ceil(waitMs / 1000)));
  return new Date(Math.ceil((nowEpochMs + waitMs) / 1000) * 1000).toUTCString();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
