/** What some environment values are checked for beyond their type (config.ts): a local host, a random key. */

/**
 * A host only this machine or its own network names: localhost (and *.localhost), a loopback address, or
 * a one-label name (a compose or Kubernetes service such as `sandbox`). Everything else may be EnKash.
 */
export function isLocalHost(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return !host.includes('.') && !host.includes(':');
}

/**
 * DATA_KEY seals personal data in Redis: exactly 32 bytes written as standard base64 (no character
 * silently dropped), and not a made-up value (all one byte, a short repeated pattern, or ASCII text such
 * as a password base64-encoded: 32 random bytes are all printable ASCII about once in 10^13).
 */
export function weakDataKey(text: string): string | null {
  const hint = 'generate one with: openssl rand -base64 32';
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    return `must be exactly 32 bytes written in base64 (44 characters ending in "="); ${hint}`;
  }
  const bytes = Buffer.from(text, 'base64');
  if (new Set(bytes).size < 16) return `is too regular to be a random key; ${hint}`;
  if (bytes.every((b) => b >= 0x20 && b <= 0x7e)) return `is text, not a random key; ${hint}`;
  return null;
}
