/**
 * Row data (names, mobiles, PAN/GSTIN, bank accounts) crosses Redis sealed with AES-256-GCM, and match
 * keys are stored as HMACs: BullMQ keeps job data in clear text, and Redis is often shared and dumped.
 * Every worker of a deployment must use the same DATA_KEY.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../domain/errors.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** IVs drawn from the system's random source at once (a call per seal was 2 % of a worker's CPU). */
const IVS_PER_DRAW = 256;

export class Sealer {
  private readonly key: Buffer;
  private ivs = Buffer.alloc(0);
  private nextIv = 0;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new UserError('DATA_KEY must be 32 bytes, base64-encoded');
    this.key = key;
  }

  seal(value: unknown): string {
    const iv = this.iv();
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = cipher.update(JSON.stringify(value), 'utf8');
    const rest = cipher.final();
    return Buffer.concat([iv, cipher.getAuthTag(), body, rest]).toString('base64');
  }

  /** A fresh random 96-bit IV, each used once (a slice of random bytes drawn in bulk). */
  private iv(): Buffer {
    if (this.nextIv >= this.ivs.length) {
      this.ivs = randomBytes(IV_BYTES * IVS_PER_DRAW);
      this.nextIv = 0;
    }
    this.nextIv += IV_BYTES;
    return this.ivs.subarray(this.nextIv - IV_BYTES, this.nextIv);
  }

  open<T>(sealed: string): T {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(text.toString('utf8')) as T;
  }

  /** A stable, non-reversible name for a match key (or any identifier) to use in Redis keys. */
  hash(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url').slice(0, 27);
  }
}

/** DATA_KEY when set; otherwise a key generated once and kept (mode 0600) in STATE_DIR/data.key. */
export async function loadSealer(dataKey: string | undefined, stateDir: string): Promise<Sealer> {
  if (dataKey) return new Sealer(Buffer.from(dataKey, 'base64'));
  const file = join(stateDir, 'data.key');
  try {
    return new Sealer(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(stateDir, { recursive: true });
  const key = randomBytes(32);
  try {
    await writeFile(file, key.toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    await chmod(file, 0o600);
    return new Sealer(key);
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSealer(undefined, stateDir);
    throw err;
  }
}
