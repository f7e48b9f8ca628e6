/**
 * The csv-spectrum acid test (/work/shared/corpus/csv-spectrum): every csvs/NAME.csv reads as the records
 * in json/NAME.json, header row first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll } from './helpers.js';

const CORPUS = '/work/shared/corpus/csv-spectrum';

type Expected = Array<Record<string, string>>;

/**
 * Where our copy of the corpus disagrees with itself, we test the file as it is and say why here. Each fix
 * must change the expectation: if the corpus is repaired, the test fails and the entry must go.
 */
const CORPUS_DEFECTS: Record<string, { why: string; fix(expected: Expected): Expected }> = {
  newlines_crlf: {
    why: 'the .csv lost its CR bytes in the copy (od -c shows only LF) but the JSON still expects CRLF in the quoted cell',
    fix: (expected) =>
      expected.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.replaceAll('\r\n', '\n')])),
      ),
  },
  location_coordinates: {
    why: 'the JSON holds phone number 1234567890 while the .csv holds 2095257564',
    fix: (expected) => expected.map((r) => ({ ...r, 'Contact Phone Number': '2095257564' })),
  },
};

function expectedRecords(name: string): Expected {
  const parsed = JSON.parse(readFileSync(join(CORPUS, 'json', `${name}.json`), 'utf8')) as
    Expected | Record<string, string>;
  // location_coordinates.json is a bare object, not an array of one: upstream's quirk.
  return Array.isArray(parsed) ? parsed : [parsed];
}

const names = readdirSync(join(CORPUS, 'csvs'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.slice(0, -4))
  .sort();

describe('csv-spectrum', () => {
  it('has the twelve files we expect', () => {
    expect(names).toHaveLength(12);
  });

  it.each(names)('%s.csv reads as json/%s.json', async (name) => {
    let expected = expectedRecords(name);
    const defect = CORPUS_DEFECTS[name];
    if (defect) {
      const fixed = defect.fix(expected);
      expect(fixed, `stale CORPUS_DEFECTS entry for ${name} (${defect.why})`).not.toEqual(expected);
      expected = fixed;
    }
    const { rows, info } = await readAll(join(CORPUS, 'csvs', `${name}.csv`));
    expect(info.format).toBe('csv');
    expect(info.delimiter).toBe(',');
    const header = Object.keys(expected[0] ?? {});
    expect(rows[0]?.values).toEqual(header);
    expect(rows.slice(1).map((r) => r.values)).toEqual(
      expected.map((record) => header.map((h) => record[h])),
    );
  });

  it('numbers rows as Excel does: a quoted line break does not start a row', async () => {
    const { rows } = await readAll(join(CORPUS, 'csvs', 'quotes_and_newlines.csv'));
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3]);
    const newlines = await readAll(join(CORPUS, 'csvs', 'newlines.csv'));
    expect(newlines.rows.map((r) => [r.row, r.values[0]])).toEqual([
      [1, 'a'],
      [2, '1'],
      [3, 'Once upon \na time'],
      [4, '7'],
    ]);
  });
});
