/**
 * A minimal zip reader for XLSX: the central directory (names, sizes, offsets) and one entry at a time as
 * a stream. Reading the directory first lets us refuse a zip bomb from its declared sizes before inflating
 * anything, read only the parts we need in the order we need them (exceljs's own reader reads the zip
 * front to back and spools every sheet stored before sharedStrings.xml, which Excel does, to a temp file),
 * and count inflated bytes so a directory that lies about sizes is caught too.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { PassThrough, Readable, Transform, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { SAFE_STREAM_FLAGS } from './safe-open.js';

export type ZipEntry = {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
};

/** A zip that cannot be read; the caller turns it into a FileReadError with the file name. */
export class ZipError extends Error {}

const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_ENTRY = 0x04034b50;
const MAX_COMMENT = 0xffff;
/** An XLSX has a few dozen parts; a directory bigger than this is not a workbook. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

export async function readZipDirectory(file: FileHandle, fileSize: number): Promise<Map<string, ZipEntry>> {
  const tailSize = Math.min(fileSize, 22 + MAX_COMMENT + 20);
  const tail = await readAt(file, fileSize - tailSize, tailSize);
  const eocd = findEndRecord(tail);
  if (eocd < 0) throw new ZipError('the zip directory is missing (the file is truncated or not a workbook)');
  let count = tail.readUInt16LE(eocd + 10);
  let size = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    ({ count, size, offset } = await readZip64End(file, tail, eocd));
  }
  if (size > MAX_DIRECTORY_BYTES || offset + size > fileSize) {
    throw new ZipError('the zip directory is damaged');
  }
  return parseDirectory(await readAt(file, offset, size), count);
}

/**
 * The end-of-directory record is the last thing in the file but for a comment of up to 64 KB, which may
 * itself contain the signature: prefer the candidate whose comment length reaches exactly the file's end.
 */
function findEndRecord(tail: Buffer): number {
  const signature = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
  let fallback = -1;
  for (
    let at = tail.lastIndexOf(signature);
    at >= 0;
    at = at > 0 ? tail.lastIndexOf(signature, at - 1) : -1
  ) {
    if (at + 22 > tail.length) continue;
    if (at + 22 + tail.readUInt16LE(at + 20) === tail.length) return at;
    if (fallback < 0) fallback = at;
  }
  return fallback;
}

async function readZip64End(file: FileHandle, tail: Buffer, eocd: number) {
  const locator = eocd - 20;
  if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR)
    throw new ZipError('the zip directory is damaged');
  const end = await readAt(file, Number(tail.readBigUInt64LE(locator + 8)), 56);
  if (end.length < 56 || end.readUInt32LE(0) !== ZIP64_EOCD)
    throw new ZipError('the zip directory is damaged');
  return {
    count: Number(end.readBigUInt64LE(32)),
    size: Number(end.readBigUInt64LE(40)),
    offset: Number(end.readBigUInt64LE(48)),
  };
}

function parseDirectory(dir: Buffer, count: number): Map<string, ZipEntry> {
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL_ENTRY)
      throw new ZipError('the zip directory is damaged');
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      flags: dir.readUInt16LE(p + 8),
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      uncompressedSize: dir.readUInt32LE(p + 24),
      localHeaderOffset: dir.readUInt32LE(p + 42),
    };
    applyZip64Extra(entry, dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    entries.set(entry.name.replace(/^\//, ''), entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Sizes and offsets of 0xFFFFFFFF are stored in the zip64 extra field (id 1), in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = (): number => {
        if (q + 8 > p + 4 + length) throw new ZipError('the zip directory is damaged');
        const value = Number(extra.readBigUInt64LE(q));
        q += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
    }
    p += 4 + length;
  }
}

/** Where the entry's data starts: after its local header, whose name and extra lengths may differ. */
export async function locateEntryData(file: FileHandle, entry: ZipEntry): Promise<number> {
  if (entry.flags & 0x1) throw new ZipError(`${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipError(`${entry.name} is compressed with a method Excel does not use (${entry.method})`);
  }
  const header = await readAt(file, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_ENTRY)
    throw new ZipError(`${entry.name} is damaged`);
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/**
 * The entry's bytes, inflated. Fails with ZipError as soon as inflation yields more than the directory
 * declared: the caller checks declared sizes against its limits, and this catches a directory that lies,
 * so a bomb costs at most the declared size in work and nothing in memory.
 */
export function openZipEntry(path: string, entry: ZipEntry, dataStart: number): Readable {
  if (entry.compressedSize === 0) return Readable.from([]);
  const end = dataStart + entry.compressedSize - 1;
  // Never through a link, never blocking: see safe-open.ts (the path was checked when the zip was opened).
  const raw = createReadStream(path, {
    flags: SAFE_STREAM_FLAGS,
    start: dataStart,
    end,
    highWaterMark: 64 * 1024,
  });
  // exceljs parses a whole inflated chunk into events and rows before any is consumed; what is still alive
  // when the next scavenge comes is promoted. 16 KB chunks (not 64) cut the XLSX pipeline's peak RSS by
  // ~25 MB at the same speed (bench/ingest).
  const inflate = entry.method === 8 ? createInflateRaw({ chunkSize: 16 * 1024 }) : new PassThrough();
  const counted = byteLimit(
    entry.uncompressedSize,
    () => new ZipError(`${entry.name} unpacks to more than the zip directory says (the file is damaged)`),
  );
  return pipeline(raw, inflate, counted, () => {
    // Errors surface to whoever reads `counted`, which pipeline destroys with the same error.
  });
}

function byteLimit(maxBytes: number, error: () => Error): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      done(total > maxBytes ? error() : null, chunk);
    },
  });
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
