/**
 * The watched folder's layout and the file moves between its parts. Every move is a `rename` within one
 * folder tree (atomic on one file system), so a file is always in exactly one place.
 *
 *   DIR/inbox/       producers drop files here (and optional NAME.done markers)
 *   DIR/processing/  claimed files, each with a CLAIM.claim.json sidecar (content hash, import id)
 *   DIR/done/        imported files (the import completed, even with invalid rows) + CLAIM.report/
 *   DIR/failed/      files that could not be imported (+ CLAIM.error.txt) and duplicates
 *                    (+ CLAIM.duplicate.txt naming the earlier import)
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const SIDECAR_SUFFIX = '.claim.json';

export type Layout = { root: string; inbox: string; processing: string; done: string; failed: string };

export function layoutOf(root: string): Layout {
  return {
    root,
    inbox: join(root, 'inbox'),
    processing: join(root, 'processing'),
    done: join(root, 'done'),
    failed: join(root, 'failed'),
  };
}

export async function ensureLayout(l: Layout): Promise<void> {
  for (const dir of [l.inbox, l.processing, l.done, l.failed]) await mkdir(dir, { recursive: true });
}

/**
 * `20261122-014523-k3j9__customers.csv`: unique (a new export with yesterday's name never overwrites
 * it in done/), sorted by claim time, and the producer's name still readable at the end.
 */
export function claimNameFor(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}__${name}`;
}

export function originalName(claimName: string): string {
  const at = claimName.indexOf('__');
  return at < 0 ? claimName : claimName.slice(at + 2);
}

const SidecarSchema = z.object({
  originalName: z.string(),
  claimedAt: z.string(),
  hash: z.string().optional(),
  importId: z.string().optional(),
});
export type Sidecar = z.infer<typeof SidecarSchema>;

export async function readSidecar(l: Layout, claimName: string): Promise<Sidecar | null> {
  try {
    const text = await readFile(join(l.processing, claimName + SIDECAR_SUFFIX), 'utf8');
    const parsed = SidecarSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Missing (a crash between the claim and the first write) or torn: rebuilt from the file and Redis.
    return null;
  }
}

/** Written to a temp name and renamed, so a crash never leaves a torn sidecar. */
export async function writeSidecar(l: Layout, claimName: string, sidecar: Sidecar): Promise<void> {
  const path = join(l.processing, claimName + SIDECAR_SUFFIX);
  await writeFile(`${path}.tmp`, JSON.stringify(sidecar));
  await rename(`${path}.tmp`, path);
}

/** Moves a claimed file to done/ or failed/ with what goes beside it, then drops its sidecar. */
export async function settleFile(
  l: Layout,
  claimName: string,
  to: 'done' | 'failed',
  beside: { reportDir?: string; note?: { suffix: string; text: string } },
): Promise<string> {
  const target = to === 'done' ? l.done : l.failed;
  // The report and the note go first: a file in done/ always has its report next to it.
  if (beside.reportDir) {
    await cp(beside.reportDir, join(target, `${claimName}.report`), { recursive: true, force: true });
  }
  if (beside.note) await writeFile(join(target, claimName + beside.note.suffix), beside.note.text);
  await rename(join(l.processing, claimName), join(target, claimName));
  await rm(join(l.processing, claimName + SIDECAR_SUFFIX), { force: true });
  return join(target, claimName);
}
