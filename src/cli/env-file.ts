/**
 * `.env` in the working folder, as `.env.example` promises ("Copy to .env"). Node's own loader is used
 * (`process.loadEnvFile`, the parser behind `node --env-file`), and it never overwrites a variable that is
 * already set: the real environment wins, so an orchestrator's settings beat a file left in the image.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../domain/errors.js';

/** Loads `path` when it exists; returns its absolute path, or null when there is none. */
export function loadEnvFile(path = '.env'): string | null {
  const absolute = resolve(path);
  if (!existsSync(absolute)) return null;
  try {
    process.loadEnvFile(absolute);
  } catch (err) {
    throw new UserError(`${absolute} could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return absolute;
}
