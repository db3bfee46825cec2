import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Upload } from '@app/complaints';
import { DomainException, ErrorCode, FieldError } from '@app/core';
import type { FastifyReply } from 'fastify';

/** An urlencoded form body as a plain record (anything else becomes empty: the handlers validate fields). */
export function formOf(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** One text field: the first value when a field is repeated, undefined when absent or not text. */
export function field(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** Every value of a repeated field (checkboxes). */
export function fields(form: Record<string, unknown>, name: string): string[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is string => typeof v === 'string');
}

/** The files of an upload field (multipart forms; see http/uploads.ts), in the order sent. */
export function uploads(form: Record<string, unknown>, name: string): Upload[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter(
    (v): v is Upload =>
      v !== null &&
      typeof v === 'object' &&
      Buffer.isBuffer((v as Upload).data) &&
      typeof (v as Upload).fileName === 'string',
  );
}

/** The `version` every change form carries for optimistic locking; NaN makes the use case refuse it. */
export function versionOf(form: Record<string, unknown>): number {
  const value = field(form, 'version');
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
}

/** A query value when it is a single string of sane length. */
export function queryText(query: Record<string, unknown>, name: string, max = 200): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' && value.length <= max ? value : undefined;
}

export type FormFields = Record<string, unknown>;

/** The urlencoded body of a console form as a plain record (see `formOf`). */
export const Form = createParamDecorator((_: unknown, context: ExecutionContext): FormFields =>
  formOf(context.switchToHttp().getRequest<{ body?: unknown }>().body),
);

/** The `?notice=` a page shows after a redirect (a key of `console.notice.*`). */
export const Notice = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | null =>
    queryText(context.switchToHttp().getRequest<{ query: Record<string, unknown> }>().query, 'notice', 40) ??
    null,
);

/** Why a form was not applied, for the page that shows it again. */
export interface Refusal {
  status: number;
  error: string;
  errors: FieldError[] | null;
}

const REFUSAL_STATUS: Partial<Record<ErrorCode, number>> = {
  validation_failed: 422,
  conflict: 409,
  stale_version: 409,
  forbidden: 403,
};

export function seeOther(reply: FastifyReply, location: string): void {
  void reply.status(303).header('Location', location).header('Cache-Control', 'no-store').send();
}

/**
 * Applies a form: done → 303 to `done` (post/redirect/get, so a reload does not submit twice); refused
 * for a reason the user can act on (invalid, conflicting, stale, not theirs) → `again` shows the page
 * with it; anything else goes on to the exception filter.
 */
export async function submitForm(
  reply: FastifyReply,
  done: string,
  again: (refusal: Refusal) => Promise<void>,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    return again(refusalOf(error));
  }
  seeOther(reply, done);
}

/** The refusal a page can show for this error; rethrows anything else (bugs, outages) to the filter. */
export function refusalOf(error: unknown): Refusal {
  const status = error instanceof DomainException ? REFUSAL_STATUS[error.code] : undefined;
  if (!status) throw error;
  const refusal = error as DomainException;
  return { status, error: refusal.message, errors: refusal.errors ?? null };
}
