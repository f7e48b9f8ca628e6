import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, configTable } from '../scripts/config-table.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('README', () => {
  it('carries the configuration table generated from .env.example (npx tsx scripts/config-table.ts --write)', () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim();
    expect(table).toBe(configTable(read('.env.example')));
    expect(table.split('\n').every((row) => !row.endsWith('|  |'))).toBe(true);
  });

  it('gives the test command that .ci/run runs', () => {
    expect(read('README.md')).toContain('npm test');
    expect(read('.ci/run').trim().split('\n').at(-1)).toBe('npm test');
  });
});
