/**
 * Scenario 8: the OAuth token expires under 32 concurrent calls spread over 2 processes, again and again.
 * Promise: exactly one token request per expiry (EnKash locks an account after 3 failed logins, and a
 * stampede of logins is what gets there), and no call fails for it.
 */
import { describe, expect, it } from 'vitest';
import { useEnkashTestbed } from '../enkash/helpers/setup.js';
import { runTokenExpiry } from '../enkash/helpers/token-expiry.js';
import { recordScenario, sized } from './helpers/scenario.js';

const bed = useEnkashTestbed();

describe('scenario 8: token expiry under concurrency', () => {
  it('one token request per expiry, 32 calls at once over 2 processes', async () => {
    const expiries = sized(5, 25);
    const started = Date.now();
    const run = await runTokenExpiry(bed, { expiries, perProcess: 16 });
    const maxPerExpiry = Math.max(...run.perExpiry);
    const totalAfterExpiry = run.perExpiry.reduce((a, b) => a + b, 0);
    recordScenario({
      id: 8,
      title: 'Token expiry, 32 concurrent calls over 2 processes',
      promise: 'exactly one token request per expiry; no call fails',
      figures: {
        expiries,
        callsPerExpiry: 32,
        processes: 2,
        tokenRequestsColdStart: run.coldStart,
        tokenRequestsAfterExpiries: totalAfterExpiry,
        maxTokenRequestsPerExpiry: maxPerExpiry,
        callsFailed: run.failed,
        calls401ThenRetried: run.searchAnswers['401'] ?? 0,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
      summary:
        `${totalAfterExpiry} token requests for ${expiries} expiries (max ${maxPerExpiry} per expiry), ` +
        `${run.failed} of ${run.calls} calls failed`,
    });
    expect(run.coldStart).toBe(1);
    expect(run.perExpiry).toEqual(Array.from({ length: expiries }, () => 1));
    expect(run.failed).toBe(0);
  });
});
