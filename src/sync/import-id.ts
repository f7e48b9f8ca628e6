import { randomBytes } from 'node:crypto';

/** `imp-20261122-014523-k3j9x2`: sortable by time, safe in BullMQ job ids and folder names. */
export function newImportId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const random = randomBytes(4).readUInt32BE(0).toString(36).padStart(6, '0').slice(0, 6);
  return `imp-${stamp}-${random}`;
}
