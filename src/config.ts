/**
 * Configuration: read once from the environment through one zod schema. Nothing else in the project
 * reads `process.env`. Every bad variable is reported at once.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseApiKeys } from './domain/api-keys.js';
import { DEFAULT_REPORT_TIMEZONE, isTimeZone } from './report/local-time.js';
import { PATTERNS } from './contract/enkash-api.js';
import { MATCH_KEYS, SYNC_MODES } from './domain/types.js';
import { isLocalHost, weakDataKey } from './env-checks.js';

/** Credentials the sandbox accepts by default; a real EnKash deployment must set its own. */
export const SANDBOX_DEFAULTS = {
  ENKASH_CLIENT_ID: 'sandbox-client',
  ENKASH_CLIENT_SECRET: 'sandbox-secret',
  ENKASH_USERNAME: 'finance@example.com',
  ENKASH_PASSWORD: 'sandbox-password',
  ENKASH_COMPANY_ID: 'CEKSANDBX1',
} as const;

/** The API key docker-compose.yml sets when API_KEYS is not: public, so refused against EnKash itself. */
export const COMPOSE_DEMO_API_KEY = 'sandbox-demo-key-not-for-production';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const ratio = (def: number) => z.coerce.number().min(0).max(1).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * Every variable, its default and what it does. `.env.example` lists the same names (a test checks).
 */
export const EnvSchema = z
  .object({
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Hash-tagged so that every key of one deployment lands in one Redis Cluster slot. */
    REDIS_PREFIX: z.string().default('{customer-sync}'),

    ENKASH_BASE_URL: optionalString.pipe(z.url().optional()),
    ENKASH_CLIENT_ID: z.string().min(1).default(SANDBOX_DEFAULTS.ENKASH_CLIENT_ID),
    ENKASH_CLIENT_SECRET: z.string().min(1).default(SANDBOX_DEFAULTS.ENKASH_CLIENT_SECRET),
    ENKASH_USERNAME: z.string().min(1).default(SANDBOX_DEFAULTS.ENKASH_USERNAME),
    ENKASH_PASSWORD: z.string().min(1).default(SANDBOX_DEFAULTS.ENKASH_PASSWORD),
    ENKASH_COMPANY_ID: z
      .string()
      .regex(PATTERNS.companyId, 'must look like CEK followed by 7 capital letters or digits')
      .default(SANDBOX_DEFAULTS.ENKASH_COMPANY_ID),
    ENKASH_PARENT_COMPANY_ID: optionalString.pipe(
      z
        .string()
        .regex(PATTERNS.companyId, 'must look like CEK followed by 7 capital letters or digits')
        .optional(),
    ),
    /**
     * A ceiling on the EnKash request rate (all processes of one account). Unset: none; the working rate
     * is found at run time either way (ENKASH_RATE_ADAPTIVE), never above this.
     */
    ENKASH_RATE_LIMIT_PER_SEC: optionalString.pipe(
      z.coerce.number<string | undefined>().positive().optional(),
    ),
    /** false: the rate is ENKASH_RATE_LIMIT_PER_SEC (default 10) exactly, as before the adaptive rate. */
    ENKASH_RATE_ADAPTIVE: bool(true),
    ENKASH_TIMEOUT_MS: int(15_000, 100),
    /**
     * Added to the 1-second rate window: covers arrival jitter at EnKash (src/enkash/rate-limiter.ts).
     * Unset: learned from the answers' spread, 40–150 ms (src/enkash/rate-margin.ts).
     */
    ENKASH_RATE_MARGIN_MS: z.coerce.number().int().min(0).optional(),
    /** Default: the rows in flight per process + 1 (each row has one call at a time; one token call). */
    ENKASH_MAX_CONNECTIONS: z.coerce.number().int().min(1).optional(),
    ENKASH_DEACTIVATE_PATH: z.string().startsWith('/').default('/api/v0/customer/deactivate/{customerId}'),
    ENKASH_TOKEN_REFRESH_MARGIN_SEC: int(120),
    /** After the token endpoint refuses the credentials, no process asks again for this long. */
    ENKASH_AUTH_FAILURE_COOLDOWN_SEC: int(900),
    /** Consecutive 5xx/timeouts (any process) that stop all calls to EnKash for a while; 0 = no breaker. */
    ENKASH_BREAKER_THRESHOLD: int(10, 0),
    ENKASH_BREAKER_OPEN_MS: int(1_000, 100),
    ENKASH_BREAKER_MAX_OPEN_MS: int(15_000, 100),

    /** Unset: enough rows in flight to keep the rate budget busy at 500 ms per call (at least 16). */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).optional(),
    SYNC_MODE: z.enum(SYNC_MODES).default('upsert'),
    MATCH_KEY: z.enum(MATCH_KEYS).default('uniqueRefNo'),
    RETRY_ATTEMPTS: int(8, 1),
    RETRY_BASE_DELAY_MS: int(1_000, 1),
    RETRY_MAX_DELAY_MS: int(60_000, 1),
    /** How many times one row may be held back by 429s before it fails (429s do not use up attempts). */
    RATE_LIMITED_MAX_RETRIES: int(50, 1),
    SHUTDOWN_TIMEOUT_MS: int(30_000, 1),
    /** BullMQ job lock; a killed worker's rows go back to the queue after about this long. */
    WORKER_LOCK_MS: int(30_000, 1_000),
    JOB_RETENTION_SEC: int(7 * 24 * 3600, 60),
    /** Uploads and report folders older than this are deleted (src/retention/sweep.ts). */
    FILE_RETENTION_DAYS: int(30, 1),
    FINGERPRINT_TTL_DAYS: int(30, 1),

    REPORT_DIR: z.string().default('reports'),
    REPORT_TIMEZONE: z
      .string()
      .default(DEFAULT_REPORT_TIMEZONE)
      .refine(isTimeZone, 'must be an IANA time zone, like Asia/Kolkata or UTC'),
    STATE_DIR: z.string().default('.customer-sync'),
    /** 32 bytes, base64: seals row data kept in Redis. Unset: a key generated once in STATE_DIR. */
    DATA_KEY: optionalString,

    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** V8 lets the heap grow this much over the live set between collections (src/memory.ts); 0 = V8's own. */
    HEAP_GROWING_PERCENT: int(50, 0),

    /** The watched folder of `customer-sync start` (`watch DIR` takes it as an argument). */
    WATCH_DIR: optionalString,
    /** A file is taken once its size and mtime have not changed for this long. */
    WATCH_STABLE_MS: int(5_000, 100),
    /** Full rescan of the inbox, catching file events the OS dropped (network shares drop many). */
    WATCH_RESCAN_MS: int(30_000, 200),
    /** Producers that write a NAME.done marker when a file is complete: take no file without one. */
    WATCH_REQUIRE_MARKER: bool(false),
    JOBS_DIR: z.string().default('jobs'),
    /** Folders nightly jobs may read their exports from (comma-separated); unset: the working directory. */
    JOB_SOURCE_ROOTS: optionalString,
    /** Webhook receiving scheduler alerts (missing export, run held for approval) as a JSON POST. */
    ALERT_WEBHOOK_URL: optionalString.pipe(z.url().optional()),
    /** Nightly URL sources and the webhook may reach private, loopback and link-local addresses. */
    OUTBOUND_ALLOW_PRIVATE: bool(false),

    /** `customer-sync serve`: the HTTP API and the upload page. */
    API_PORT: int(8080, 0),
    /**
     * Bearer keys, comma-separated, each `name:role:key` (role uploader, viewer or admin) or a bare key (an
     * admin, as before roles); `serve` refuses to start without one unless --insecure-no-auth.
     */
    API_KEYS: optionalString,
    /** Unset: STATE_DIR/uploads. Never served over HTTP. */
    UPLOAD_DIR: optionalString,
    UPLOAD_MAX_BYTES: int(50 * 1024 * 1024, 1),

    SANDBOX_PORT: int(4010, 0),
    SANDBOX_STATE_FILE: optionalString,
    SANDBOX_RATE_LIMIT_PER_SEC: z.coerce.number().min(0).default(0),
    SANDBOX_LATENCY_MS: int(0),
    SANDBOX_JITTER_MS: int(0),
    SANDBOX_FAILURE_RATE: ratio(0),
    SANDBOX_HANG_CREATE_RATE: ratio(0),
    SANDBOX_TOKEN_TTL_SEC: int(86_399, 1),
    SANDBOX_UNIQUE_REF_NO: bool(false),
  })
  .superRefine((env, ctx) => {
    for (const problem of parseApiKeys(env.API_KEYS).problems)
      ctx.addIssue({ code: 'custom', path: ['API_KEYS'], message: problem });
    if (env.FILE_RETENTION_DAYS * 24 * 3600 < env.JOB_RETENTION_SEC) {
      ctx.addIssue({
        code: 'custom',
        path: ['FILE_RETENTION_DAYS'],
        message:
          'must keep files at least as long as JOB_RETENTION_SEC keeps imports in Redis (their reports are downloaded through them)',
      });
    }
    if (env.DATA_KEY !== undefined) {
      const problem = weakDataKey(env.DATA_KEY);
      if (problem) ctx.addIssue({ code: 'custom', path: ['DATA_KEY'], message: problem });
    }
    if (!env.ENKASH_BASE_URL || isLocalHost(env.ENKASH_BASE_URL)) return;
    // Credentials and tokens cross this connection: only a local sandbox may be spoken to in clear.
    if (new URL(env.ENKASH_BASE_URL).protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        path: ['ENKASH_BASE_URL'],
        message:
          'must be https:// (plain http only for a local host: localhost, a loopback address or a one-label name such as a compose service)',
      });
    }
    // Any host that is not local may be EnKash itself (a proxy, a new domain): the sandbox's made-up
    // credentials are refused for all of them, since failed logins count towards EnKash's lockout.
    for (const [name, value] of Object.entries(SANDBOX_DEFAULTS)) {
      if (env[name as keyof typeof SANDBOX_DEFAULTS] === value) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `must be set when ENKASH_BASE_URL is not a local host (the sandbox's default is refused)`,
        });
      }
    }
    // docker-compose.yml's default key lets the sandbox profile run with no configuration; it is public.
    if (parseApiKeys(env.API_KEYS).keys.some((k) => k.key === COMPOSE_DEMO_API_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_KEYS'],
        message: `must not contain "${COMPOSE_DEMO_API_KEY}" (docker-compose.yml's public demo key) when ENKASH_BASE_URL is not a local host`,
      });
    }
  });

export type Env = z.output<typeof EnvSchema>;

export type Config = ReturnType<typeof toConfig>;

/**
 * Throughput at the rate limit must not be bound by latency: R requests per second at L seconds each need
 * R × L rows in flight. Sized for 500 ms per call, between 16 and 256 per process.
 */
export function defaultConcurrency(ratePerSec: number | null): number {
  // No ceiling: the rate is found at run time, maybe 1,000/s: the most. A row takes ~190 ms at 100 ms
  // latency (its Redis round trips, its turn for a slot): 128 held R = 1,000 to ~670 rows/s.
  if (ratePerSec === null) return 256;
  return Math.min(256, Math.max(16, Math.ceil(ratePerSec * 0.5)));
}

/** The fixed rate when the adaptive rate is off. */
export const FIXED_RATE_DEFAULT_PER_SEC = 10;

function toConfig(env: Env) {
  /** The ceiling (adaptive) or the rate (fixed); null: no ceiling. */
  const ratePerSec = env.ENKASH_RATE_ADAPTIVE
    ? (env.ENKASH_RATE_LIMIT_PER_SEC ?? null)
    : (env.ENKASH_RATE_LIMIT_PER_SEC ?? FIXED_RATE_DEFAULT_PER_SEC);
  const concurrency = env.WORKER_CONCURRENCY ?? defaultConcurrency(ratePerSec);
  return {
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    enkash: {
      /** null: no EnKash configured; `sync` then starts an embedded sandbox. */
      baseUrl: env.ENKASH_BASE_URL ?? null,
      clientId: env.ENKASH_CLIENT_ID,
      clientSecret: env.ENKASH_CLIENT_SECRET,
      username: env.ENKASH_USERNAME,
      password: env.ENKASH_PASSWORD,
      companyId: env.ENKASH_COMPANY_ID,
      parentCompanyId: env.ENKASH_PARENT_COMPANY_ID,
      ratePerSec,
      rateAdaptive: env.ENKASH_RATE_ADAPTIVE,
      timeoutMs: env.ENKASH_TIMEOUT_MS,
      rateMarginMs: env.ENKASH_RATE_MARGIN_MS,
      maxConnections: env.ENKASH_MAX_CONNECTIONS ?? concurrency + 1,
      deactivatePath: env.ENKASH_DEACTIVATE_PATH,
      tokenRefreshMarginSec: env.ENKASH_TOKEN_REFRESH_MARGIN_SEC,
      authFailureCooldownSec: env.ENKASH_AUTH_FAILURE_COOLDOWN_SEC,
      breakerThreshold: env.ENKASH_BREAKER_THRESHOLD,
      breakerOpenMs: env.ENKASH_BREAKER_OPEN_MS,
      breakerMaxOpenMs: Math.max(env.ENKASH_BREAKER_MAX_OPEN_MS, env.ENKASH_BREAKER_OPEN_MS),
    },
    sync: {
      concurrency,
      mode: env.SYNC_MODE,
      matchKey: env.MATCH_KEY,
      attempts: env.RETRY_ATTEMPTS,
      backoffBaseMs: env.RETRY_BASE_DELAY_MS,
      backoffMaxMs: env.RETRY_MAX_DELAY_MS,
      rateLimitedMaxRetries: env.RATE_LIMITED_MAX_RETRIES,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      lockMs: env.WORKER_LOCK_MS,
      retentionSec: env.JOB_RETENTION_SEC,
      fingerprintTtlSec: env.FINGERPRINT_TTL_DAYS * 24 * 3600,
    },
    reportTimezone: env.REPORT_TIMEZONE,
    paths: {
      reportDir: env.REPORT_DIR,
      stateDir: env.STATE_DIR,
      jobsDir: env.JOBS_DIR,
      fileRetentionDays: env.FILE_RETENTION_DAYS,
      jobSourceRoots: (env.JOB_SOURCE_ROOTS ?? '.')
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '')
        .map((r) => resolve(r)),
    },
    watch: {
      dir: env.WATCH_DIR,
      stableMs: env.WATCH_STABLE_MS,
      rescanMs: env.WATCH_RESCAN_MS,
      requireMarker: env.WATCH_REQUIRE_MARKER,
    },
    alertWebhook: { url: env.ALERT_WEBHOOK_URL, allowPrivate: env.OUTBOUND_ALLOW_PRIVATE },
    outboundAllowPrivate: env.OUTBOUND_ALLOW_PRIVATE,
    api: {
      port: env.API_PORT,
      keys: parseApiKeys(env.API_KEYS).keys,
      uploadDir: env.UPLOAD_DIR ?? `${env.STATE_DIR}/uploads`,
      maxUploadBytes: env.UPLOAD_MAX_BYTES,
    },
    dataKey: env.DATA_KEY,
    logLevel: env.LOG_LEVEL,
    sandbox: {
      port: env.SANDBOX_PORT,
      stateFile: env.SANDBOX_STATE_FILE,
      ratePerSec: env.SANDBOX_RATE_LIMIT_PER_SEC,
      latencyMs: env.SANDBOX_LATENCY_MS,
      jitterMs: env.SANDBOX_JITTER_MS,
      failureRate: env.SANDBOX_FAILURE_RATE,
      hangCreateRate: env.SANDBOX_HANG_CREATE_RATE,
      tokenTtlSec: env.SANDBOX_TOKEN_TTL_SEC,
      uniqueRefNo: env.SANDBOX_UNIQUE_REF_NO,
    },
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a {@link ConfigError} listing every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(EnvSchema.shape).map((k) => [k, source[k]]));
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    );
  }
  return toConfig(parsed.data);
}
