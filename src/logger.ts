/**
 * pino: JSON lines, pretty on a TTY. Secrets, tokens and personal data are redacted by key wherever they
 * appear in a logged object; free text must go through `mask*` (src/domain/mask.ts) before it is logged.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const SENSITIVE_KEYS = [
  'password',
  'clientSecret',
  'client_secret',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authorization',
  'Authorization',
  'apiKey',
  'dataKey',
  'mobile',
  'contactNumber',
  'email',
  'contactEmail',
  'panOrGstin',
  'accountNumber',
  // EnKash echoes the values it refuses (apiSubErrors[].rejectedValue); an EnkashError keeps them.
  'rejectedValue',
];

/** Redaction paths down to four levels deep (pino has no recursive wildcard). */
export const REDACT_PATHS = SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export function createLogger(options: { level?: string; name?: string; pretty?: boolean } = {}): Logger {
  const base: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(options.name ? { name: options.name } : {}),
  };
  const pretty = options.pretty ?? (process.stdout.isTTY === true && process.env.NODE_ENV !== 'test');
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } },
    });
  }
  return pino(base);
}

/** A logger that writes to a given destination (tests capture logs this way). */
export function createLoggerTo(destination: NodeJS.WritableStream, level = 'info'): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
