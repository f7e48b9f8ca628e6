import { describe, expect, it } from 'vitest';
import {
  IMPORT_STATES,
  canMove,
  isTerminal,
  shownState,
  statesLeadingTo,
  type ImportState,
} from '../../src/domain/import-lifecycle.js';

describe('the import lifecycle', () => {
  it('ends in done, failed or cancelled, and nothing leaves them', () => {
    expect(IMPORT_STATES.filter(isTerminal)).toEqual(['done', 'failed', 'cancelled']);
    for (const from of ['done', 'failed', 'cancelled'] as const) {
      expect(IMPORT_STATES.filter((to) => canMove(from, to))).toEqual([]);
    }
  });

  it('allows the moves the jobs make, and no shortcut to a written report', () => {
    const moves: [ImportState, ImportState][] = [
      ['queued', 'parsing'],
      ['parsing', 'parsing'],
      ['parsing', 'running'],
      ['running', 'finalizing'],
      ['finalizing', 'finalizing'],
      ['finalizing', 'done'],
      ['finalizing', 'cancelled'],
      ['running', 'failed'],
    ];
    for (const [from, to] of moves) expect(canMove(from, to), `${from} → ${to}`).toBe(true);
    expect(canMove('running', 'done')).toBe(false);
    expect(canMove('queued', 'cancelled')).toBe(false);
    expect(canMove('finalizing', 'parsing')).toBe(false);
  });

  it('names the states parsing may finish from', () => {
    expect(statesLeadingTo('running')).toEqual(['queued', 'parsing']);
  });

  it('treats a state it does not know (an older or newer version wrote it) as neither over nor movable', () => {
    const unknown = 'archived' as ImportState;
    expect(isTerminal(unknown)).toBe(false);
    expect(canMove(unknown, 'parsing')).toBe(false);
  });

  it('shows `cancelling` once a cancel is accepted until the import ends, then its own state', () => {
    for (const state of ['queued', 'parsing', 'running', 'finalizing'] as const) {
      expect(shownState(state, true)).toBe('cancelling');
      expect(shownState(state, false)).toBe(state);
    }
    expect(shownState('cancelled', true)).toBe('cancelled');
    expect(shownState('done', true)).toBe('done');
  });
});
