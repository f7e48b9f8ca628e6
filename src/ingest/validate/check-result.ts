/**
 * The outcome of checking one value: the value (possibly reformatted, never changed in meaning) with an
 * optional note for the report, or a problem worded for the user. A result, not an exception: a row
 * collects every problem of every cell before it is judged.
 */
export type Checked<T> = Accepted<T> | Rejected;
export type Accepted<T> = { ok: true; value: T; warning?: string };
export type Rejected = { ok: false; problem: string };

export function accept<T>(value: T, warning?: string): Accepted<T> {
  return warning === undefined ? { ok: true, value } : { ok: true, value, warning };
}

export function reject(problem: string): Rejected {
  return { ok: false, problem };
}

/** `1 digit`, `5 digits`: counts in messages read as English. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
