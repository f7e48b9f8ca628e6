/**
 * Columns: find the header row of a customer file and decide which column feeds which EnKash field.
 * Pure functions over raw rows; the only I/O is reading a mapping file (loadMappingFile).
 */
export { buildColumnMap, detectColumns, type ColumnOptions } from './build-column-map.js';
export { findHeaderRow, HEADER_SEARCH_ROWS, type HeaderRowMatch } from './header-row.js';
export { loadMappingFile, parseMappingFile, type MappingFile } from './mapping-file.js';
export { PRESETS, presetNames, type Preset } from './presets.js';
export { getPreset } from './preset-lookup.js';
export { isBlankRow, isTotalsRow } from './row-kind.js';
export { headerKey } from './normalise-header.js';
