/**
 * Which inbox entries are files to import, and when a file has finished arriving. Pure: the watcher
 * feeds it names, sizes, mtimes and the clock.
 *
 * A file is taken when the first of these holds:
 * - its `NAME.done` marker is there (producers that write markers say so explicitly);
 * - it was first seen with an mtime already older than the stability interval (it was written elsewhere
 *   and renamed into the inbox, which is atomic, or it was there before the watcher started);
 * - its size and mtime have not changed for the stability interval (a copy in progress keeps changing
 *   both).
 * With `requireMarker`, only the first applies: a producer that writes markers may pause mid-file for
 * longer than any interval.
 */
export const MARKER_SUFFIX = '.done';

/** Spreadsheet-ish names we import; anything else is left where it is (the importer checks content). */
const IMPORTABLE = /\.(csv|tsv|txt|xlsx)$/i;

/** Names that office suites, browsers and copy tools use while a file is still being written. */
const TEMPORARY = [/^~\$/, /\.tmp$/i, /\.part$/i, /\.crdownload$/i, /\.partial$/i, /\.download$/i];

export type NameKind = 'file' | 'marker' | 'ignored' | 'unsupported';

export function classifyName(name: string): NameKind {
  if (name.startsWith('.')) return 'ignored';
  if (TEMPORARY.some((re) => re.test(name))) return 'ignored';
  if (name.endsWith(MARKER_SUFFIX)) return 'marker';
  return IMPORTABLE.test(name) ? 'file' : 'unsupported';
}

export function markerFor(name: string): string {
  return `${name}${MARKER_SUFFIX}`;
}

export type Observation = { size: number; mtimeMs: number; hasMarker: boolean };

type Seen = { size: number; mtimeMs: number; sinceMs: number };

export class StabilityTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly stableMs: number,
    private readonly requireMarker: boolean,
  ) {}

  /** Records one look at `name`; true when it may be claimed now. */
  observe(name: string, o: Observation, nowMs: number): boolean {
    if (o.hasMarker) return true;
    if (this.requireMarker) return false;
    const before = this.seen.get(name);
    if (!before) {
      this.seen.set(name, { size: o.size, mtimeMs: o.mtimeMs, sinceMs: nowMs });
      return nowMs - o.mtimeMs >= this.stableMs;
    }
    if (before.size !== o.size || before.mtimeMs !== o.mtimeMs) {
      this.seen.set(name, { size: o.size, mtimeMs: o.mtimeMs, sinceMs: nowMs });
      return false;
    }
    return nowMs - before.sinceMs >= this.stableMs;
  }

  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Forgets names no longer in the inbox, so the map never grows without bound. */
  keepOnly(names: ReadonlySet<string>): void {
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
  }

  get pending(): number {
    return this.seen.size;
  }
}
