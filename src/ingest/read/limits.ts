/**
 * Caps on what a reader accepts. A finance team's file is small; these stop a hostile or broken one (a zip
 * bomb, a stray quote that swallows the rest of a CSV, 16,384 formatted columns) before it costs memory or
 * minutes. Every cap is refused with a FileReadError that names the cap, never silently truncated.
 */

export type ReadLimits = {
  /** The file on disk, CSV or XLSX. */
  maxFileBytes: number;
  /** XLSX: the XML of the sheet read, inflated (streamed, so this bounds time, not memory). */
  maxSheetXmlBytes: number;
  /**
   * XLSX: the XML of the shared-string table, inflated. The whole table is held (as UTF-8 bytes, outside
   * the JS heap: shared-strings.ts) for as long as the source's rows are read.
   */
  maxSharedStringsXmlBytes: number;
  /** Highest row number read (Excel's own maximum by default). */
  maxRows: number;
  /** Columns per row. A wrong delimiter or a sheet formatted to column XFD shows up here first. */
  maxColumns: number;
  /** Characters per cell (Excel's own cell limit by default): bounds a CSV quote that is never closed. */
  maxCellChars: number;
  /**
   * CSV: characters per row. Bounds the text papaparse holds (and re-scans) while a row is incomplete, and
   * with the 256 rows it may parse ahead, the memory a slow consumer can make it hold.
   */
  maxRowChars: number;
};

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxFileBytes: 1024 * 1024 * 1024,
  maxSheetXmlBytes: 1024 * 1024 * 1024,
  maxSharedStringsXmlBytes: 256 * 1024 * 1024,
  maxRows: 1_048_576,
  maxColumns: 1_000,
  maxCellChars: 32_767,
  maxRowChars: 128 * 1024,
});

export function resolveLimits(overrides?: Partial<ReadLimits>): ReadLimits {
  return { ...DEFAULT_READ_LIMITS, ...overrides };
}

/** `1048576` → `1,048,576`, for messages (fixed locale so messages do not depend on the machine). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}
