import { FieldError } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { ConsoleRenderer } from './console-renderer.service';

/** What an admin page says after a form: done, refused (with the fields), or a secret shown once. */
export interface AdminOutcome {
  notice?: string | null;
  error?: string | null;
  errors?: FieldError[] | null;
  secret?: string | null;
}

/** An administration page: the admin section of the navigation, the outcome, and the page's own view. */
export function sendAdminPage(
  pages: ConsoleRenderer,
  reply: FastifyReply,
  session: StaffSession,
  status: number,
  page: string,
  title: string,
  outcome: AdminOutcome,
  view: Record<string, unknown>,
): void {
  const locale = session.user.locale;
  pages.send(
    reply,
    status,
    page,
    { session, locale, section: 'admin', title: pages.text(locale, title) },
    {
      notice: outcome.notice ?? null,
      error: outcome.error ?? null,
      errors: outcome.errors ?? null,
      secret: outcome.secret ?? null,
      ...view,
    },
  );
}
