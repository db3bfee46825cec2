import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import { errorForLog } from '@app/core';
import type { FastifyReply } from 'fastify';
import { toProblem } from '../http/problem.filter';
import type { ConsoleRequest } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';

/**
 * Console failures as pages, not problem+json: no session → the sign-in page (coming back here after),
 * a role or CSRF refusal → 403 page, anything missing → 404 page. A 5xx is logged without its details.
 */
@Catch()
@Injectable()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  constructor(private readonly pages: ConsoleRenderer) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<ConsoleRequest>();
    const problem = toProblem(error);
    if (problem.code === 'unauthorized') {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      void reply
        .status(303)
        .header('Location', `/console/login${next}`)
        .header('Cache-Control', 'no-store')
        .send();
      return;
    }
    if (problem.status >= 500) {
      this.logger.error({ err: errorForLog(error), reqId: request.id }, 'Console error');
    }
    const session = request.staffSession ?? null;
    const locale = session?.user.locale ?? 'en';
    this.pages.send(
      reply,
      problem.status,
      'error',
      { session, locale, title: this.pages.text(locale, `error.${problem.status}`) },
      {
        status: problem.status,
        heading: this.pages.text(locale, `error.${problem.status}`),
        // Where the console has its own words for a failure (a missing page, a refusal), they are used;
        // otherwise the domain's message in the reader's language.
        detail:
          problem.status >= 500
            ? this.pages.text(locale, 'error.500_detail')
            : (this.pages.optionalText(locale, `error.${problem.status}_detail`) ??
              this.pages.says(locale, problem.detail)),
      },
    );
  }
}
