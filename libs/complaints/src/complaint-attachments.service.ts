import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import {
  Clock,
  FieldError,
  isStorableText,
  isUuid,
  NotFoundException,
  ValidationFailedException,
} from '@app/core';
import { DataSource, EntityManager } from 'typeorm';

/** A file as the console received it: the name and bytes as sent; its type is decided here. */
export interface Upload {
  fileName: string;
  data: Buffer;
  /** The upload went past MAX_ATTACHMENT_BYTES and was cut off. */
  truncated: boolean;
}

export interface AttachmentSummary {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
  uploadedAt: string;
}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_AT_ONCE = 5;

/** PDF, JPEG and PNG by their first bytes: what a file is, whatever its name or declared type says. */
const SIGNATURES: { mediaType: string; magic: number[]; extension: string }[] = [
  { mediaType: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d], extension: 'pdf' },
  { mediaType: 'image/jpeg', magic: [0xff, 0xd8, 0xff], extension: 'jpg' },
  { mediaType: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], extension: 'png' },
];

export function sniffMediaType(data: Buffer): string | null {
  return (
    SIGNATURES.find((s) => data.length >= s.magic.length && s.magic.every((byte, i) => data[i] === byte))
      ?.mediaType ?? null
  );
}

/** The name to keep: its last path segment, printable, at most 200 characters, with the true extension. */
function keptName(name: string, mediaType: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  const extension = SIGNATURES.find((s) => s.mediaType === mediaType)!.extension;
  const stem = base.replace(/\.[^.]*$/, '').slice(0, 180) || 'attachment';
  return `${stem}.${extension}`;
}

/**
 * Scanned letters and documents of a complaint, kept in PostgreSQL beside it (never deleted, like the
 * complaint). A file is accepted by what its bytes are (PDF, JPEG, PNG), never by its name; served
 * only to staff as a download, and every download is audited.
 */
@Injectable()
export class ComplaintAttachments {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The uploads checked: each error names the file by its position, nothing is stored unless all pass. */
  check(uploads: Upload[]): FieldError[] {
    const errors: FieldError[] = [];
    if (uploads.length > MAX_ATTACHMENTS_AT_ONCE)
      return [{ path: 'attachments', message: `at most ${MAX_ATTACHMENTS_AT_ONCE} files at once` }];
    uploads.forEach((u, i) => {
      const path = `attachments[${i}]`;
      if (u.truncated || u.data.length > MAX_ATTACHMENT_BYTES)
        errors.push({ path, message: 'is larger than 10 MB' });
      else if (u.data.length === 0) errors.push({ path, message: 'is empty' });
      else if (!sniffMediaType(u.data)) errors.push({ path, message: 'must be a PDF, JPEG or PNG file' });
      else if (!isStorableText(u.fileName) || u.fileName.length > 1000)
        errors.push({ path, message: 'has a name that cannot be kept' });
    });
    return errors;
  }

  /** Stores checked uploads in the caller's transaction, audited (names and sizes, never contents). */
  async add(manager: EntityManager, actor: Actor, complaintId: string, uploads: Upload[]): Promise<number> {
    const errors = this.check(uploads);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const now = this.clock.now();
    for (const upload of uploads) {
      const mediaType = sniffMediaType(upload.data)!;
      const fileName = keptName(upload.fileName, mediaType);
      const [{ id }]: { id: string }[] = await manager.query(
        `INSERT INTO complaint_attachment (complaint_id, file_name, media_type, size, sha256, content, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          complaintId,
          fileName,
          mediaType,
          upload.data.length,
          createHash('sha256').update(upload.data).digest(),
          upload.data,
          actor.type === 'staff' ? actor.id : null,
          now,
        ],
      );
      await this.audit.record(
        actor,
        {
          action: 'complaint.attachment_added',
          entityType: 'complaint',
          entityId: complaintId,
          after: { attachmentId: id, fileName, mediaType, size: upload.data.length },
        },
        manager,
      );
    }
    return uploads.length;
  }

  /** Adds files to an existing complaint, in a transaction of its own. */
  async attach(actor: Actor, complaintId: string, uploads: Upload[]): Promise<number> {
    if (!isUuid(complaintId)) throw new NotFoundException('The complaint');
    return this.db.transaction(async (manager) => {
      const [found] = await manager.query(`SELECT 1 FROM complaint WHERE id = $1`, [complaintId]);
      if (!found) throw new NotFoundException('The complaint');
      return this.add(manager, actor, complaintId, uploads);
    });
  }

  async list(complaintId: string): Promise<AttachmentSummary[]> {
    const rows: { id: string; file_name: string; media_type: string; size: number; uploaded_at: Date }[] =
      await this.db.query(
        `SELECT id, file_name, media_type, size, uploaded_at FROM complaint_attachment WHERE complaint_id = $1 ORDER BY uploaded_at, id`,
        [complaintId],
      );
    return rows.map((r) => ({
      id: r.id,
      fileName: r.file_name,
      mediaType: r.media_type,
      size: r.size,
      uploadedAt: r.uploaded_at.toISOString(),
    }));
  }

  /** One file's bytes for a download; the download is audited before the bytes leave. */
  async download(
    actor: Actor,
    attachmentId: string,
  ): Promise<{ fileName: string; mediaType: string; content: Buffer }> {
    if (!isUuid(attachmentId)) throw new NotFoundException('The attachment');
    const [row]: { complaint_id: string; file_name: string; media_type: string; content: Buffer }[] =
      await this.db.query(
        `SELECT complaint_id, file_name, media_type, content FROM complaint_attachment WHERE id = $1`,
        [attachmentId],
      );
    if (!row) throw new NotFoundException('The attachment');
    await this.audit.record(actor, {
      action: 'complaint.attachment_downloaded',
      entityType: 'complaint',
      entityId: row.complaint_id,
      details: { attachmentId, fileName: row.file_name },
    });
    return { fileName: row.file_name, mediaType: row.media_type, content: row.content };
  }
}
