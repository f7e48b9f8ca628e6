import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RawValue } from '../../../src/ingest/raw-row.js';
import { FIELD_KINDS, checkCell } from '../../../src/ingest/validate/field-rules.js';
import { buildStatusWords } from '../../../src/ingest/validate/normalise.js';

const Input = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ error: z.string() }),
  z.object({ date: z.string() }),
]);

const Case = z
  .object({
    field: z.enum(FIELD_KINDS),
    input: Input,
    expect: z.union([z.string(), z.boolean()]).optional(),
    error: z.string().optional(),
    warning: z.string().optional(),
    why: z.string(),
    statusWords: z.object({ active: z.array(z.string()), inactive: z.array(z.string()) }).optional(),
    inverted: z.boolean().optional(),
  })
  .refine((c) => (c.expect === undefined) !== (c.error === undefined), 'give expect or error, not both');

const fixture = z
  .object({ cases: z.array(Case) })
  .parse(
    JSON.parse(readFileSync(new URL('../../../fixtures/validation-cases.json', import.meta.url), 'utf8')),
  );

function toRaw(input: z.infer<typeof Input>): RawValue {
  if (input !== null && typeof input === 'object' && 'date' in input)
    return new Date(`${input.date}T00:00:00Z`);
  return input;
}

describe('fixtures/validation-cases.json', () => {
  it('covers every rule with at least 60 cases and every field kind', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(60);
    const kinds = new Set(fixture.cases.map((c) => c.field));
    for (const kind of FIELD_KINDS) if (kind !== 'yesNo') expect(kinds, kind).toContain(kind);
  });

  it.each(fixture.cases.map((c) => [`${c.field} ${JSON.stringify(c.input)}: ${c.why}`, c] as const))(
    '%s',
    (_, c) => {
      const words = buildStatusWords(c.statusWords, c.inverted ?? false);
      const result = checkCell(c.field, toRaw(c.input), words);
      if (c.error !== undefined) {
        expect(result.ok, JSON.stringify(result)).toBe(false);
        if (!result.ok) expect(result.problem).toContain(c.error);
        return;
      }
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) return;
      expect(result.value).toEqual(c.expect);
      if (c.warning === undefined) expect(result.warning).toBeUndefined();
      else expect(result.warning).toContain(c.warning);
    },
  );
});
