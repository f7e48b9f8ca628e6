/**
 * Request validation in the shape EnKash's Spring backend plausibly answers: 400 VALIDATION_ERROR with one
 * `apiSubError` per rejected field (`object`, `field` as `a[0].b`, `rejectedValue`, `message`).
 */
import type { z } from 'zod';
import { PATTERNS, SEED_PATTERNS } from '../contract/enkash-api.js';
import type { Failure, SubError } from './envelope.js';

export type Validated<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** Parses `input` with `schema`; on failure names every bad field against `objectName` (the Java DTO). */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  objectName: string,
): Validated<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const subErrors = parsed.error.issues.map((issue) => toSubError(issue, input, objectName));
  return { ok: false, failure: validationFailure(subErrors) };
}

export function validationFailure(subErrors: SubError[]): Failure {
  const fields = subErrors.map((e) => e.field).join(', ');
  return {
    status: 400,
    errorType: 'VALIDATION_ERROR',
    message: `Validation failed for ${subErrors.length} field(s): ${fields}`,
    subErrors,
  };
}

export function fieldError(object: string, field: string, rejectedValue: unknown, message: string): Failure {
  return validationFailure([{ object, field, rejectedValue, message }]);
}

/** Path params and query params carry the same Java patterns as bodies. */
export function checkPattern(
  object: string,
  field: 'customerId' | 'parentCompanyId',
  value: string | undefined,
): Failure | null {
  if (value === undefined) return null;
  const pattern = field === 'customerId' ? PATTERNS.customerId : PATTERNS.companyId;
  const source = field === 'customerId' ? SEED_PATTERNS.customerId : SEED_PATTERNS.companyId;
  return pattern.test(value) ? null : fieldError(object, field, value, `must match "${source}"`);
}

function toSubError(issue: z.core.$ZodIssue, input: unknown, objectName: string): SubError {
  const rejectedValue = valueAt(input, issue.path);
  return {
    object: objectName,
    field: formatPath(issue.path),
    rejectedValue: rejectedValue ?? null,
    // Bean Validation's wording for a missing required field, rather than zod's.
    message:
      issue.code === 'invalid_type' && rejectedValue === undefined ? 'must not be null' : issue.message,
  };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
