import { UserError } from '../domain/errors.js';

/** A whole-number option (`--port`, `--concurrency`): undefined when not given, refused when not whole or below `min`. */
export function wholeNumber(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UserError(`${name} must be a whole number ≥ ${min}, not "${value}"`);
  return n;
}
