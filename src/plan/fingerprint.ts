/** A stable hash of what a row asks EnKash to hold: equal fingerprints mean nothing to send. */
import { createHash } from 'node:crypto';
import type { ValidRow } from '../domain/types.js';

export function fingerprint(row: Pick<ValidRow, 'customer' | 'status'>): string {
  return createHash('sha256')
    .update(canonicalJson({ customer: row.customer, status: row.status ?? null }))
    .digest('base64url')
    .slice(0, 22);
}

/** JSON with object keys sorted and undefined dropped, so equal data always hashes equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
