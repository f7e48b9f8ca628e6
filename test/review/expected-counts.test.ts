/** A held import's plan takes its expected counts from the dry run beside it, or says why it has none. */
import { describe, expect, it } from 'vitest';
import { withExpected } from '../../src/sync/expected-counts.js';
import type { ReadingPlan } from '../../src/ingest/plan/reading-plan.js';
import type { ImportMeta } from '../../src/queue/import-store.js';

const plan = { headerRow: 1, expected: null, countedBy: 'imp-dry', rows: null, skipped: null } as ReadingPlan;
const dry = (fields: Partial<ImportMeta>) =>
  ({ id: 'imp-dry', total: 3, done: 3, blankRows: 0, totalsRows: 0, counts: {}, ...fields }) as ImportMeta;

describe('withExpected', () => {
  it('takes the counts of a finished dry run, in the conditional', () => {
    const counts = { 'would-create': 2, invalid: 1 } as ImportMeta['counts'];
    const { plan: counted, final } = withExpected(plan, dry({ state: 'done', counts }));
    expect(final).toBe(true);
    expect(counted.expected).toEqual({
      'would-create': 2,
      'would-update': 0,
      'would-activate': 0,
      'would-deactivate': 0,
      unchanged: 0,
      invalid: 1,
    });
    expect(counted.rows).toBe(3);
  });

  it('says why there are none when EnKash could not be read', () => {
    const { plan: counted, final } = withExpected(
      plan,
      dry({ state: 'failed', error: 'EnKash is not answering (HTTP 503)' }),
    );
    expect(final).toBe(true);
    expect(counted.expected).toBeNull();
    expect(counted.expectedWhyNot).toBe(
      'EnKash could not be read for the expected counts (dry run imp-dry failed: EnKash is not answering (HTTP 503))',
    );
  });

  it('says it is still counting while the dry run runs, and that it is gone once expired', () => {
    const running = withExpected(plan, dry({ state: 'running' }));
    expect(running.final).toBe(false);
    expect(running.plan.expectedWhyNot).toBe('being counted by dry run imp-dry (running)');
    expect(withExpected(plan, null).plan.expectedWhyNot).toBe(
      'the dry run that counted it is no longer kept',
    );
  });
});
