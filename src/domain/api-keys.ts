/**
 * API keys with a name and a role. `API_KEYS` is a comma-separated list whose entries are either
 * `name:role:key` or a bare `key`. A bare key keeps the meaning it had before roles existed (it could do
 * everything): it is an admin, named `key-<first 8 hex of its sha256>` so logs can tell keys apart
 * without showing them.
 *
 * - uploader: uploads, and sees, downloads, retries and cancels its own imports only;
 * - viewer: sees and downloads every import, metrics, Bull Board read-only; changes nothing;
 * - admin: everything, Bull Board's actions (pause, retry, clean, obliterate) included.
 */
import { createHash } from 'node:crypto';

export const ROLES = ['uploader', 'viewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type ApiKey = { name: string; role: Role; key: string };

/** Shorter keys can be guessed or brute-forced through the API; `openssl rand -hex 24` makes 48. */
export const MIN_KEY_LENGTH = 24;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function parseApiKeys(text: string | undefined): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  entries.forEach((entry, i) => {
    const parts = entry.split(':');
    const named = parts.length >= 3 && (ROLES as readonly string[]).includes(parts[1] ?? '');
    const key: ApiKey = named
      ? { name: parts[0] ?? '', role: parts[1] as Role, key: parts.slice(2).join(':') }
      : {
          name: `key-${createHash('sha256').update(entry).digest('hex').slice(0, 8)}`,
          role: 'admin',
          key: entry,
        };
    const where = named ? `entry "${key.name}"` : `entry ${i + 1}`;
    if (!NAME.test(key.name))
      problems.push(`${where}: a key's name is 1-64 letters, digits, ".", "_" or "-"`);
    if (key.key.length < MIN_KEY_LENGTH) {
      problems.push(
        `${where}: the key has ${key.key.length} characters; at least ${MIN_KEY_LENGTH} are needed (openssl rand -hex 24)`,
      );
    }
    if (keys.some((k) => k.name === key.name)) problems.push(`${where}: the name is used twice`);
    if (keys.some((k) => k.key === key.key)) problems.push(`${where}: the same key is listed twice`);
    keys.push(key);
  });
  return { keys, problems };
}

/** What a role may do. Uploaders' reads are further limited to their own imports by the routes. */
export function allows(role: Role, action: 'read' | 'upload' | 'change' | 'admin'): boolean {
  switch (action) {
    case 'read':
      return true;
    case 'upload':
      return role === 'uploader' || role === 'admin';
    case 'change':
      return role === 'uploader' || role === 'admin';
    case 'admin':
      return role === 'admin';
  }
}
