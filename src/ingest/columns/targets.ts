/**
 * Terminology
 * - target: what a column can feed — a customer field, an address line, or one part of a key contact.
 * - synonym: a header text known to mean a target ("GSTIN/UIN" → gstin). Synonyms are compared by
 *   {@link headerKey}, so case, spacing and punctuation never matter.
 * - rank: a synonym's position in its target's list; lower is preferred when several columns match.
 */
import type { ContactPart, CustomerField } from '../column-map.js';

export type ContactTarget = `contact.${ContactPart}`;

/**
 * `address` is a street line and `city` a city, town or district: both feed the address, street lines
 * first, so "Station" left of "Address" in a Marg export still reads "12 MG Road, Bengaluru".
 * `inactiveFlag` is a status column that names the inactive state ("Frozen", "Inactive", "Blocked"):
 * it feeds `status` with its meaning inverted.
 */
export type Target = CustomerField | 'address' | 'city' | 'inactiveFlag' | ContactTarget;

export function contactTarget(part: ContactPart): ContactTarget {
  return `contact.${part}`;
}

export function contactPartOf(target: Target): ContactPart | undefined {
  return target.startsWith('contact.') ? (target.slice('contact.'.length) as ContactPart) : undefined;
}

/** Synonyms per target, most preferred first. */
export type SynonymTable = Partial<Record<Target, readonly string[]>>;
