/**
 * `POST /oauth/token` (AR "Get Authentication Token", docs.enkash.com/api-18880668) and the bearer
 * tokens it hands out: random, opaque, with a lifetime.
 *
 * Choices where EnKash is silent:
 * - `grant_type` absent means `password` (the AR page omits it; the Payouts page it copies sends it).
 * - A `clientId` form field, when sent, must be the client id or the company id (the Payouts page sends
 *   the company id there).
 * - `grant_type=refresh_token` is accepted; refresh tokens survive `expireTokens()`.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { fail, unauthorized, type Answer } from './envelope.js';
import type { SandboxCredentials } from './types.js';
import { fieldError } from './validation.js';

export type Account = { clientId: string; username: string; companyId: string };

type AccessToken = { account: Account; expiresAtMs: number };

export type TokenGrant = {
  access_token: string;
  token_type: 'bearer';
  refresh_token: string;
  expires_in: number;
  scope: string;
};

const PRUNE_ABOVE = 1000;
/** How many issued tokens {@link TokenRegistry.issued} remembers (leak scans read them). */
const ISSUED_KEPT = 10_000;

export class TokenRegistry {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, Account>();
  private readonly issuedLog: string[] = [];

  constructor(private readonly ttlSec: number) {}

  issue(account: Account, nowMs: number): TokenGrant {
    if (this.access.size > PRUNE_ABOVE) this.pruneExpired(nowMs);
    const accessToken = randomBytes(24).toString('base64url');
    const refreshToken = randomBytes(24).toString('base64url');
    this.access.set(accessToken, { account, expiresAtMs: nowMs + this.ttlSec * 1000 });
    this.refresh.set(refreshToken, account);
    this.issuedLog.push(accessToken, refreshToken);
    if (this.issuedLog.length > ISSUED_KEPT) this.issuedLog.splice(0, this.issuedLog.length - ISSUED_KEPT);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      refresh_token: refreshToken,
      expires_in: this.ttlSec,
      scope: 'read write',
    };
  }

  /** Every access and refresh token issued so far (the latest 10,000), expired or not. */
  issued(): string[] {
    return [...this.issuedLog];
  }

  /** The account behind a live token, or null. */
  verify(token: string, nowMs: number): Account | null {
    const entry = this.access.get(token);
    return entry && entry.expiresAtMs > nowMs ? entry.account : null;
  }

  /** The account behind a token even when it has expired: the rate limit still counts its requests. */
  accountOf(token: string): Account | null {
    return this.access.get(token)?.account ?? null;
  }

  redeem(refreshToken: string): Account | null {
    const account = this.refresh.get(refreshToken) ?? null;
    this.refresh.delete(refreshToken);
    return account;
  }

  /** Every access token issued so far stops working now. Returns how many were live. */
  expireAll(nowMs: number): number {
    let live = 0;
    for (const entry of this.access.values()) {
      if (entry.expiresAtMs > nowMs) live++;
      entry.expiresAtMs = Math.min(entry.expiresAtMs, nowMs);
    }
    return live;
  }

  private pruneExpired(nowMs: number): void {
    for (const [token, entry] of this.access) if (entry.expiresAtMs <= nowMs) this.access.delete(token);
  }
}

const TokenFormSchema = z.looseObject({
  grant_type: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  clientId: z.string().optional(),
  refresh_token: z.string().optional(),
});

export type TokenRequest = {
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
};

export function tokenAnswer(
  request: TokenRequest,
  credentials: SandboxCredentials,
  tokens: TokenRegistry,
  nowMs: number,
): Answer {
  if (!request.contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return fail({
      status: 415,
      errorType: 'CLIENT_REQUEST_ERROR',
      message: 'The token request must be application/x-www-form-urlencoded',
    });
  }
  const form = TokenFormSchema.safeParse(request.body ?? {});
  if (!form.success) return fail(unauthorized('Bad credentials'));
  if (!validClient(request.authorization, credentials)) return fail(unauthorized('Bad client credentials'));
  const grantType = form.data.grant_type ?? 'password';
  if (grantType === 'refresh_token') {
    const account = tokens.redeem(form.data.refresh_token ?? '');
    return account ? granted(tokens.issue(account, nowMs)) : fail(unauthorized('Invalid refresh token'));
  }
  if (grantType !== 'password') {
    return fail(fieldError('tokenRequest', 'grant_type', grantType, 'must be "password" or "refresh_token"'));
  }
  const { username, password, clientId } = form.data;
  const clientIdOk =
    clientId === undefined || clientId === credentials.clientId || clientId === credentials.companyId;
  if (username !== credentials.username || password !== credentials.password || !clientIdOk) {
    return fail(unauthorized('Bad credentials'));
  }
  return granted(tokens.issue(accountFor(credentials), nowMs));
}

// Spring's token endpoint answers the grant itself, not an envelope.
const granted = (grant: TokenGrant): Answer => ({ status: 200, body: grant });

export function accountFor(credentials: SandboxCredentials): Account {
  return { clientId: credentials.clientId, username: credentials.username, companyId: credentials.companyId };
}

function validClient(header: string | undefined, credentials: SandboxCredentials): boolean {
  const decoded = decodeBasic(header);
  return decoded?.clientId === credentials.clientId && decoded.secret === credentials.clientSecret;
}

export function decodeBasic(header: string | undefined): { clientId: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { clientId: text.slice(0, colon), secret: text.slice(colon + 1) };
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
