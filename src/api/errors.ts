/**
 * Every error the API answers is `{ error: { code, message } }`: a stable code a script can branch on and
 * a sentence a person can act on. Never a stack trace, never an internal message from a library.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ErrorBody = { error: { code: string; message: string } };

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

const NOT_MULTIPART = 'this content type is not accepted here (uploads are multipart/form-data)';
const NO_FILE = 'expected a multipart/form-data body with a file';

/** Fastify's own error codes that are the client's fault: [status, our code, the answer's message]. */
const FASTIFY_CODES: Record<string, [status: number, code: string, message: string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', NOT_MULTIPART],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'TOO_LARGE', 'the request body is too large'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BAD_REQUEST', 'the JSON body is malformed'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BAD_REQUEST', 'the JSON body is empty'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [400, 'BAD_MULTIPART', NO_FILE],
  FST_REQ_FILE_TOO_LARGE: [413, 'TOO_LARGE', 'the file is too large'],
  FST_FILES_LIMIT: [400, 'BAD_MULTIPART', 'too many files in one upload'],
  FST_FIELDS_LIMIT: [400, 'BAD_MULTIPART', 'too many fields in one upload'],
  FST_PARTS_LIMIT: [400, 'BAD_MULTIPART', 'too many parts in one upload'],
  FST_PROTO_VIOLATION: [400, 'BAD_MULTIPART', 'forbidden field name'],
};

export function installErrorHandler(server: FastifyInstance): void {
  server.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.statusCode).send(errorBody(err.code, err.message));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation
        .map(
          (v) => `${v.instancePath.replace(/^\//, '') || err.validationContext || 'request'}: ${v.message}`,
        )
        .join('; ');
      return reply.status(400).send(errorBody('INVALID_REQUEST', details));
    }
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return reply.status(known[0]).send(errorBody(known[1], known[2]));
    if (isMalformedMultipart(err)) {
      return reply.status(400).send(errorBody('BAD_MULTIPART', 'the multipart body is malformed'));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(errorBody('BAD_REQUEST', 'the request could not be read'));
    }
    request.log.error({ event: 'api_error', err }, 'request failed');
    return reply.status(500).send(errorBody('INTERNAL', 'something went wrong on our side; try again'));
  });
  server.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** busboy reports a broken body with plain Errors: these messages are all it says. */
function isMalformedMultipart(err: Error): boolean {
  return /multipart|boundary|Unexpected end of form|Malformed part header|Part terminated early/i.test(
    err.message,
  );
}
