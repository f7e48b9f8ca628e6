/**
 * The name an upload is stored under is generated; the user's name only contributes a cleaned base name
 * so a person browsing UPLOAD_DIR recognises the file. Directory parts, NUL and control characters, and
 * anything outside a small safe alphabet never reach the filesystem.
 */
import { randomBytes } from 'node:crypto';

const MAX_BASE_LENGTH = 80;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/** `../../etc/passwd.csv` → `passwd.csv`; `a\0b.csv` → `a_b.csv`; `` → `upload`. */
export function safeBaseName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(-MAX_BASE_LENGTH);
  return cleaned === '' || /^[._-]*$/.test(cleaned) ? 'upload' : cleaned;
}

/** `<random>-<safe base name>`: unique, so two uploads of `customers.csv` never collide. */
export function storedFileName(name: string): string {
  return `${randomBytes(8).toString('hex')}-${safeBaseName(name)}`;
}

/** What a user sees as the file's name in lists: their name, minus path and control characters. */
export function displayName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const shown = last.replace(CONTROL_CHARS, '').trim().slice(0, 200);
  return shown === '' ? 'upload' : shown;
}
