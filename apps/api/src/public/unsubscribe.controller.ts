import { Controller, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { OptOutService, TOKEN_PATTERN } from '@app/surveys';
import type { FastifyReply } from 'fastify';

function page(title: string, body: string, lang = 'ru'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d2433}button{font-size:1rem;padding:.75rem 1.5rem;border-radius:.5rem;border:0;background:#1d2433;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}</style></head>
<body><main>${body}</main></body></html>`;
}

/**
 * Email unsubscribe: `GET` shows a confirmation (a GET never changes state: mail scanners follow
 * links), `POST` opts out, and is also the RFC 8058 one-click target of `List-Unsubscribe-Post`.
 */
@ApiExcludeController()
@Controller('u')
export class UnsubscribeController {
  constructor(
    private readonly optOut: OptOutService,
    private readonly config: AppConfig,
  ) {}

  @Get(':token')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  confirm(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (!TOKEN_PATTERN.test(token)) {
      void reply.status(404);
      return page('Ссылка не найдена', '<h1>Ссылка не найдена</h1><p>Link not found.</p>');
    }
    return page(
      'Отписка от писем',
      `<h1>Отписаться от писем ${escapeHtml(this.config.lenderName)}?</h1><p>Unsubscribe from survey emails?</p>
<form method="post"><button type="submit">Отписаться / Unsubscribe</button></form>`,
    );
  }

  @Post(':token')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  async unsubscribe(
    @Param('token') token: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!(await this.optOut.optOutEmailByToken(token))) {
      void reply.status(404);
      return page('Ссылка не найдена', '<h1>Ссылка не найдена</h1><p>Link not found.</p>');
    }
    return page(
      'Вы отписались',
      '<h1>Вы отписались</h1><p>You are unsubscribed: we will not email you surveys any more.</p>',
    );
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
