/**
 * `--preset` and `--mapping` are checked before anything starts (Redis, the sandbox, the queue): a typo
 * is said at once, with the presets there are, rather than as a failed import or an unreadable workbook.
 */
import { resolve } from 'node:path';
import { getPreset } from '../ingest/columns/preset-lookup.js';
import { loadMappingFile } from '../ingest/columns/mapping-file.js';

export async function checkColumnOptions(flags: { preset?: string; mapping?: string }): Promise<void> {
  if (flags.preset) getPreset(flags.preset);
  if (flags.mapping) await loadMappingFile(resolve(flags.mapping));
}
