/** What to do with a row, given what EnKash holds for its match key. Pure. */
import type { CustomerResponse } from '../contract/enkash-api.js';
import type { SyncMode, ValidRow } from '../domain/types.js';
import { diffCustomer, type CustomerDiff } from './diff.js';

export type RowAction =
  | { kind: 'create'; deactivateAfter: boolean }
  | { kind: 'update'; customerId: string; diff: CustomerDiff }
  | { kind: 'unchanged'; customerId: string }
  | { kind: 'skip'; customerId: string; reason: string };

export function decide(
  row: Pick<ValidRow, 'customer' | 'status'>,
  existing: CustomerResponse | null,
  mode: SyncMode,
): RowAction {
  if (!existing) {
    if (mode === 'update-only') {
      return {
        kind: 'skip',
        customerId: '',
        reason: 'not found in EnKash; update-only mode creates nothing',
      };
    }
    return { kind: 'create', deactivateAfter: row.status === 'INACTIVE' };
  }
  if (mode === 'create-only') {
    return {
      kind: 'skip',
      customerId: existing.customerId,
      reason: `already in EnKash as ${existing.customerId}; create-only mode changes nothing`,
    };
  }
  const diff = diffCustomer(row, existing);
  if (diff.changes.length === 0) return { kind: 'unchanged', customerId: existing.customerId };
  return { kind: 'update', customerId: existing.customerId, diff };
}
