import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EnkashError } from '../src/enkash/errors.js';
import { createLoggerTo } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLoggerTo(sink, 'debug'), text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('redacts personal data and secrets by key, also inside a logged EnKash error', () => {
    const { logger, text } = capture();
    const err = new EnkashError({
      kind: 'permanent',
      operation: 'create',
      httpStatus: 400,
      errorType: 'VALIDATION_ERROR',
      message: 'EnKash create: HTTP 400 VALIDATION_ERROR',
      fieldErrors: [{ field: 'mobile', message: 'is not acceptable', rejectedValue: '9876543210' }],
    });
    logger.error({ err, body: { mobile: '9123456780', contact: { email: 'a@example.in' } } }, 'failed');
    logger.info({ headers: { authorization: 'Bearer live-token' }, accessToken: 'live-token' }, 'call');
    const out = text();
    for (const secret of ['9876543210', '9123456780', 'a@example.in', 'live-token'])
      expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
