/**
 * Which encoding a CSV is in, and a streaming decoder for it. Decoding happens before papaparse: papaparse
 * decodes Buffers chunk by chunk, so a character split across two chunks would become U+FFFD.
 *
 * Excel writes "CSV UTF-8" with a BOM, plain "CSV" in the Windows code page (Windows-1252 on Western and
 * Indian Windows) and "Unicode Text" as UTF-16LE with a BOM. Tally, Zoho and SAP exports are UTF-8 or 1252.
 */
import { isAscii, isUtf8 } from 'node:buffer';
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
 *
 * A file that mixes the two (rows pasted from another export) is read as whichever holds more of the
 * non-ASCII characters seen: read as UTF-8, its Windows-1252 bytes come out as U+FFFD and the CSV reader
 * refuses the row that holds one; read as Windows-1252, every UTF-8 name would silently become mojibake.
 */
export async function detectEncoding(file: FileHandle, head: Buffer): Promise<DetectedEncoding> {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8-bom', bomBytes: 3 };
  const utf16 = utf16Layout(head);
  if (utf16) return { encoding: utf16, bomBytes: head[0] === 0xff || head[0] === 0xfe ? 2 : 0 };
  return { encoding: (await isUtf8File(file)) ? 'utf-8' : 'windows-1252', bomBytes: 0 };
}

async function isUtf8File(file: FileHandle): Promise<boolean> {
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
  const seen = { valid: 0, invalid: 0 };
  let checkedNonAscii = false;
  for (let position = 0; ;) {
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const chunk = buffer.subarray(0, bytesRead);
    if (!checkedNonAscii && isAscii(chunk)) continue;
    countNonAscii(decoder.decode(chunk, { stream: true }), seen);
    seen.invalid -= literalReplacements(chunk);
    // The chunk after the first non-ASCII one completes any character split at the chunk boundary.
    if (checkedNonAscii) return utf8Wins(seen);
    checkedNonAscii = true;
  }
  countNonAscii(decoder.decode(), seen);
  return utf8Wins(seen);
}

/** Characters above ASCII that decoded as UTF-8 (`valid`) and bytes that did not (U+FFFD, `invalid`). */
function countNonAscii(text: string, seen: { valid: number; invalid: number }): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c === 0xfffd) seen.invalid++;
    else if (c < 0xdc00 || c > 0xdfff) seen.valid++; // a surrogate pair counts once
  }
}

/** U+FFFD written in the file itself (EF BF BD): text an earlier conversion lost, not a decoding error. */
function literalReplacements(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(REPLACEMENT_UTF8); at >= 0; at = bytes.indexOf(REPLACEMENT_UTF8, at + 3))
    count++;
  return count;
}

const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);

function utf8Wins(seen: { valid: number; invalid: number }): boolean {
  return seen.invalid === 0 || seen.valid > seen.invalid;
}

/**
 * Whether bytes the decoder is given are all text in `encoding`, chunk by chunk: a decoder that is not
 * fatal turns what it cannot read into U+FFFD, which must not reach EnKash as if it were the user's text.
 * UTF-8 is checked with Node's SIMD validator, a character split across chunks carried to the next;
 * Windows-1252 has five bytes that are no character at all.
 */
export type TextCheck = (bytes: Buffer, end: boolean) => boolean;

export function createTextCheck(encoding: CsvEncoding): TextCheck {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom': {
      let carry: Buffer | null = null;
      return (bytes, end) => {
        const data = carry ? Buffer.concat([carry, bytes]) : bytes;
        const cut = end ? data.length : completeUtf8Length(data);
        carry = cut < data.length ? Buffer.from(data.subarray(cut)) : null;
        return isUtf8(data.subarray(0, cut));
      };
    }
    case 'windows-1252':
      return (bytes) => !UNDEFINED_1252.some((b) => bytes.includes(b));
    default:
      return () => true;
  }
}

/** 0x81, 0x8D, 0x8F, 0x90 and 0x9D are no character in Windows-1252 (iconv-lite reads them as U+FFFD). */
const UNDEFINED_1252 = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

/** The length of `b` without a multi-byte UTF-8 character its end cuts short. */
function completeUtf8Length(b: Buffer): number {
  let i = b.length - 1;
  for (let k = 0; i >= 0 && k < 3 && ((b[i] as number) & 0xc0) === 0x80; k++) i--;
  if (i < 0) return b.length;
  const lead = b[i] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return b.length - i < need ? i : b.length;
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
