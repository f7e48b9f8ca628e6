/**
 * Receives a multipart upload: streams the file into UPLOAD_DIR under a generated name, enforces the size
 * limit while streaming (413), decides the type from the bytes (415), and reads the form fields through
 * one zod schema. Anything it wrote is removed when the upload is refused.
 */
import { open, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { UserError } from '../domain/errors.js';
import { parseMappingFile } from '../ingest/columns/index.js';
import { sniffFile } from '../ingest/read/sniff.js';
import { ApiError } from './errors.js';
import { displayName, storedFileName } from './file-name.js';
import { MAX_MAPPING_BYTES, UploadFieldsSchema, type UploadFields } from './upload-fields.js';

export type Upload = {
  /** Where the file was stored (inside UPLOAD_DIR). */
  filePath: string;
  /** The user's name for it, for lists and reports. */
  fileName: string;
  fields: UploadFields;
  /** Stored mapping file, when one came with the upload. */
  mappingPath?: string;
  /** Removes what this upload stored (a duplicate upload, a refused mapping). */
  discard(): Promise<void>;
};

export type UploadLimits = { uploadDir: string; maxBytes: number };

const SNIFF_BYTES = 8192;

export async function receiveUpload(request: FastifyRequest, limits: UploadLimits): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new ApiError(400, 'BAD_MULTIPART', 'expected a multipart/form-data body with a file');
  }
  const written: string[] = [];
  const discard = () => Promise.all(written.map((p) => rm(p, { force: true }))).then(() => undefined);
  try {
    const raw: Record<string, string> = {};
    let file: { path: string; name: string } | undefined;
    let mappingText: string | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname in raw)
          throw new ApiError(400, 'INVALID_REQUEST', `field ${part.fieldname} given twice`);
        raw[part.fieldname] = String(part.value);
      } else if (part.fieldname === 'mapping') {
        mappingText = await readSmall(part, MAX_MAPPING_BYTES);
      } else {
        if (file) throw new ApiError(400, 'INVALID_REQUEST', 'send one file per upload');
        const path = join(limits.uploadDir, storedFileName(part.filename));
        written.push(path);
        await storeFile(part, path);
        file = { path, name: part.filename };
      }
    }
    if (!file) throw new ApiError(400, 'INVALID_REQUEST', 'no file in the upload (a part named "file")');
    await refuseNonTabular(file.path);
    const fields = parseFields(raw);
    const upload: Upload = { filePath: file.path, fileName: displayName(file.name), fields, discard };
    const mapping = mappingText ?? fields.mapping;
    if (mapping !== undefined) {
      upload.mappingPath = await storeMapping(mapping, limits.uploadDir);
      written.push(upload.mappingPath);
    }
    return upload;
  } catch (err) {
    await discard();
    throw err;
  }
}

async function storeFile(part: MultipartFile, path: string): Promise<void> {
  // `wx`: a generated name never overwrites anything, even if it somehow existed.
  await pipeline(part.file, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  if (part.file.truncated) {
    throw new ApiError(413, 'TOO_LARGE', 'the file is larger than this server accepts (UPLOAD_MAX_BYTES)');
  }
}

async function readSmall(part: MultipartFile, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ApiError(413, 'TOO_LARGE', `the mapping file is over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function refuseNonTabular(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    if (bytesRead === 0) throw new ApiError(400, 'EMPTY_FILE', 'the file is empty');
    const sniffed = sniffFile(head.subarray(0, bytesRead));
    if (sniffed.kind === 'refused') {
      throw new ApiError(415, 'UNSUPPORTED_FILE', `this file ${sniffed.reason}`);
    }
  } finally {
    await handle.close();
  }
}

function parseFields(raw: Record<string, string>): UploadFields {
  const parsed = UploadFieldsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'fields'}: ${i.message}`);
  throw new ApiError(400, 'INVALID_REQUEST', problems.join('; '));
}

/** Checked now, so a bad mapping is a 400 at upload rather than a failed import later. */
async function storeMapping(text: string, uploadDir: string): Promise<string> {
  try {
    parseMappingFile(text, 'the mapping');
  } catch (err) {
    if (err instanceof UserError) throw new ApiError(400, 'INVALID_MAPPING', err.message);
    throw err;
  }
  const path = join(uploadDir, storedFileName('mapping.json'));
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(text, () => resolve());
  });
  return path;
}
