/**
 * Which encoding a CSV is in, and a streaming decoder for it. Decoding happens before papaparse: papaparse
 * decodes Buffers chunk by chunk, so a character split across two chunks would become U+FFFD.
 *
 * Excel writes "CSV UTF-8" with a BOM, plain "CSV" in the Windows code page (Windows-1252 on Western and
 * Indian Windows) and "Unicode Text" as UTF-16LE with a BOM. Tally, Zoho and SAP exports are UTF-8 or 1252.
 */
import { isAscii } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { utf16Layout } from './sniff.js';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export type DetectedEncoding = { encoding: CsvEncoding; bomBytes: number };

/** Bytes read per step while checking that a file is UTF-8. */
const SCAN_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads as far as needed to tell UTF-8 from Windows-1252: an ASCII prefix proves nothing, so the scan runs
 * until the first non-ASCII bytes (a customer list can be pure ASCII for 40,000 rows before one "Café")
 * and one chunk past them, then stops. Only an all-ASCII file is read to the end, at memory speed.
 */
export async function detectEncoding(file: FileHandle, head: Buffer): Promise<DetectedEncoding> {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8-bom', bomBytes: 3 };
  const utf16 = utf16Layout(head);
  if (utf16) return { encoding: utf16, bomBytes: head[0] === 0xff || head[0] === 0xfe ? 2 : 0 };
  return { encoding: (await isUtf8File(file)) ? 'utf-8' : 'windows-1252', bomBytes: 0 };
}

async function isUtf8File(file: FileHandle): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
  let checkedNonAscii = false;
  for (let position = 0; ;) {
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const chunk = buffer.subarray(0, bytesRead);
    if (!checkedNonAscii && isAscii(chunk)) continue;
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      return false;
    }
    // The chunk after the first non-ASCII one completes any character split at the chunk boundary.
    if (checkedNonAscii) return true;
    checkedNonAscii = true;
  }
  try {
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** Bytes in, text out; a character split between two `write` calls comes out whole. */
export type ChunkDecoder = { write(bytes: Buffer): string; end(): string };

export function createDecoder(encoding: CsvEncoding): ChunkDecoder {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom':
    case 'utf-16le': {
      const label = encoding === 'utf-16le' ? 'utf-16le' : 'utf-8';
      // ignoreBOM: the reader starts after the BOM, so a U+FEFF later on is data and stays.
      const decoder = new TextDecoder(label, { ignoreBOM: true });
      return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
    }
    case 'utf-16be':
    case 'windows-1252': {
      const decoder = iconv.getDecoder(encoding, { stripBOM: false });
      return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' };
    }
  }
}
