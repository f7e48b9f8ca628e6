/**
 * How an import's file is read: its options (sheet, preset, mapping file, match key, corrections) and the
 * header set's saved mapping profile. One home for the import job, a re-plan of a held import and the
 * rows-to-fix reading, so all three read a file the same way.
 */
import type { IngestOptions } from '../ingest/ingest-file.js';
import type { ColumnOverrides } from '../ingest/columns/reading-overrides.js';
import type { ImportMeta } from '../queue/import-store.js';
import type { MappingProfiles } from '../queue/mapping-profiles.js';

export function readingOptions(
  meta: Pick<ImportMeta, 'fileName' | 'options'>,
  profiles: MappingProfiles,
  extra: { companyId?: string | undefined; map?: ColumnOverrides | undefined } = {},
): IngestOptions {
  const { options } = meta;
  const map = extra.map ?? options.map;
  return {
    fileName: meta.fileName,
    ...(options.sheet ? { sheet: options.sheet } : {}),
    ...(options.preset ? { preset: options.preset } : {}),
    ...(options.mapping ? { mapping: options.mapping } : {}),
    matchKey: options.matchKey,
    ...(extra.companyId ? { companyId: extra.companyId } : {}),
    ...(map ? { map } : {}),
    savedMapping: async (headerSet) => (await profiles.get(headerSet))?.columns,
  };
}
