import multipart, { MultipartFile } from '@fastify/multipart';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MAX_CAMPAIGN_FILE_BYTES } from '@app/campaigns';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_AT_ONCE, Upload } from '@app/complaints';
import { DomainException } from '@app/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toProblem } from './problem.filter';

/** A campaign's CSV: larger than an attachment (each route's files are capped as they arrive). */
const CAMPAIGN_UPLOAD_ROUTE = '/console/admin/campaigns';

/** The only routes that take files (multipart/form-data): the console's complaint forms and a campaign's list. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set([
  '/console/complaints/new',
  '/console/complaints/:id/attachments',
  CAMPAIGN_UPLOAD_ROUTE,
]);

const RECEIVED = Symbol('files received');
type UploadRequest = FastifyRequest & { [RECEIVED]?: number };

/**
 * A file part into memory as an Upload (at most its route's cap: an attachment's or a campaign list's; longer ones are marked
 * truncated). Parts past the first MAX_ATTACHMENTS_AT_ONCE + 1 are drained unread: enough to refuse
 * "too many at once" without holding them.
 */
async function receive(this: UploadRequest, part: MultipartFile): Promise<void> {
  const index = (this[RECEIVED] = (this[RECEIVED] ?? 0) + 1);
  const fileName = part.filename ?? '';
  let upload: Upload;
  if (index > MAX_ATTACHMENTS_AT_ONCE + 1) {
    part.file.resume();
    await new Promise((resolve) => part.file.once('end', resolve));
    upload = { fileName, data: Buffer.alloc(0), truncated: false };
  } else {
    const cap =
      this.routeOptions.url === CAMPAIGN_UPLOAD_ROUTE ? MAX_CAMPAIGN_FILE_BYTES : MAX_ATTACHMENT_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      if (size + chunk.length > cap) truncated = true;
      if (truncated) continue; // drained, not kept
      chunks.push(chunk);
      size += chunk.length;
    }
    upload = { fileName, data: Buffer.concat(chunks), truncated: truncated || part.file.truncated };
  }
  // An empty file input still sends a part with no name and no bytes: it is no file.
  (part as unknown as { value: Upload | undefined }).value =
    fileName === '' && upload.data.length === 0 ? undefined : upload;
}

/**
 * multipart/form-data for the console's upload forms only (everywhere else: 415), fields and files
 * on the request body (`keyValues`), so the CSRF check and the form helpers read them as usual.
 */
export async function useUploads(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    const type = String(request.headers['content-type'] ?? '');
    if (/^multipart\//i.test(type) && !UPLOAD_ROUTES.has(request.routeOptions.url ?? '')) {
      const problem = toProblem(
        new DomainException(
          'unsupported_media_type',
          'Files are accepted only by the forms that ask for them.',
        ),
      );
      void reply.status(problem.status).header('Content-Type', 'application/problem+json').send(problem);
      return;
    }
    done();
  });
  await app.register(multipart as unknown as Parameters<NestFastifyApplication['register']>[0], {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    onFile: receive,
    limits: {
      fileSize: MAX_CAMPAIGN_FILE_BYTES,
      files: 25,
      fields: 40,
      fieldSize: 20_000,
      parts: 70,
      headerPairs: 100,
    },
  });
}
