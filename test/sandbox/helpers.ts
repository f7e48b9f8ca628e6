/**
 * Plain-fetch helpers for the sandbox tests: real HTTP over loopback, answers checked against the same
 * contract schemas the EnKash client uses (src/contract/enkash-api.ts).
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SANDBOX_DEFAULTS } from '../../src/config.js';
import {
  CustomerResponseSchema,
  ErrorResponseSchema,
  SearchPayloadSchema,
  envelopeSchema,
} from '../../src/contract/enkash-api.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox, SandboxCredentials, SandboxOptions } from '../../src/sandbox/types.js';

export const CREDENTIALS: SandboxCredentials = {
  clientId: SANDBOX_DEFAULTS.ENKASH_CLIENT_ID,
  clientSecret: SANDBOX_DEFAULTS.ENKASH_CLIENT_SECRET,
  username: SANDBOX_DEFAULTS.ENKASH_USERNAME,
  password: SANDBOX_DEFAULTS.ENKASH_PASSWORD,
  companyId: SANDBOX_DEFAULTS.ENKASH_COMPANY_ID,
};

export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, credentials: CREDENTIALS, ...options });
}

/**
 * For the describe block it is called in: a sandbox started before its tests (with `options`) and a
 * token for it, handed to `use`; the sandbox is closed after them.
 */
export function useTestSandbox(
  use: (started: { sandbox: Sandbox; token: string }) => void,
  options: Partial<SandboxOptions> = {},
): void {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox(options);
    use({ sandbox, token: await getToken(sandbox) });
  });
  afterAll(() => sandbox?.close());
}

/** A call to the sandbox's own admin endpoints (`/__sandbox/<path>`): a body makes it a JSON POST. */
export async function admin(sandbox: Sandbox, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function basicAuth(clientId = CREDENTIALS.clientId, secret = CREDENTIALS.clientSecret): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

export type Reply = { status: number; headers: Headers; body: unknown };

async function toReply(response: Response): Promise<Reply> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as unknown) : null,
  };
}

export async function requestToken(
  sandbox: Sandbox,
  form: Record<string, string> = {
    username: CREDENTIALS.username,
    password: CREDENTIALS.password,
    grant_type: 'password',
  },
  authorization: string | null = basicAuth(),
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form).toString(),
  });
  return toReply(response);
}

export async function getToken(sandbox: Sandbox): Promise<string> {
  const reply = await requestToken(sandbox);
  return z.object({ access_token: z.string() }).parse(reply.body).access_token;
}

export type CallOptions = {
  token?: string | null;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
};

export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return toReply(response);
}

const CustomerEnvelope = envelopeSchema(CustomerResponseSchema);
const SearchEnvelope = envelopeSchema(SearchPayloadSchema);
const AnyEnvelope = envelopeSchema(z.unknown());

export function customerOf(reply: Reply) {
  const payload = CustomerEnvelope.parse(reply.body).payload;
  if (!payload) throw new Error(`no customer in ${JSON.stringify(reply.body)}`);
  return payload;
}

export function searchOf(reply: Reply) {
  const payload = SearchEnvelope.parse(reply.body).payload;
  if (!payload) throw new Error(`no search payload in ${JSON.stringify(reply.body)}`);
  return { data: payload.data ?? [], recordsCount: payload.recordsCount ?? -1 };
}

export function payloadOf(reply: Reply): unknown {
  return AnyEnvelope.parse(reply.body).payload;
}

/** The errorResponse of an envelope, with the fields every sandbox error carries. */
export function errorOf(reply: Reply) {
  const error = AnyEnvelope.parse(reply.body).errorResponse;
  return ErrorResponseSchema.extend({
    errorType: z.string(),
    requestId: z.string(),
    timestamp: z.string(),
  }).parse(error);
}

export function validCustomer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    legalName: 'Acme Traders Pvt Ltd',
    uniqueRefNo: 'CUST-0001',
    panOrGstin: '27AAPFU0939F1ZV',
    contactNumber: '+91 9876543210',
    accountNumber: '123456789012',
    ifsc: 'HDFC0001234',
    pinCode: '400001',
    address: '1 MG Road',
    state: 'Maharashtra',
    customerKeyContacts: [
      {
        name: 'Asha Rao',
        mobile: '9876543210',
        legalName: 'Acme Traders Pvt Ltd',
        deleted: false,
        email: 'asha@acme.example',
      },
    ],
    ...overrides,
  };
}

export async function createCustomer(
  sandbox: Sandbox,
  token: string,
  overrides: Record<string, unknown> = {},
) {
  const reply = await call(sandbox, 'POST', '/api/v0/customer', { token, body: validCustomer(overrides) });
  if (reply.status !== 200) throw new Error(`create failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return customerOf(reply);
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cs-sandbox-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
