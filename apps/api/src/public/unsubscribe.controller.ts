import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { OptOutService, TOKEN_PATTERN } from '@app/surveys';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRateLimits } from '../http/public-rate-limits.service';
import { PageLocale, PageRenderer } from './page-renderer.service';

/**
 * Email unsubscribe: `GET` shows a confirmation (a GET never changes state: mail scanners follow
 * links), `POST` opts out, and is also the RFC 8058 one-click target of `List-Unsubscribe-Post`.
 */
@ApiExcludeController()
@Controller('u')
export class UnsubscribeController {
  constructor(
    private readonly optOut: OptOutService,
    private readonly pages: PageRenderer,
    private readonly config: AppConfig,
    private readonly limits: PublicRateLimits,
  ) {}

  @Get(':token')
  confirm(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    const locale = this.locale(lang);
    if (!this.limits.allowPage(request.ip, token))
      return this.page(reply, 429, locale, 'tooManyTitle', 'tooManyText');
    if (!TOKEN_PATTERN.test(token)) return this.page(reply, 404, locale, 'notFoundTitle', 'notFoundText');
    this.page(reply, 200, locale, 'unsubscribeTitle', 'unsubscribeText', `/u/${token}`);
  }

  @Post(':token')
  async unsubscribe(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const locale = this.locale(lang);
    if (!this.limits.allowPage(request.ip, token))
      return this.page(reply, 429, locale, 'tooManyTitle', 'tooManyText');
    if (!(await this.optOut.optOutEmailByToken(token)))
      return this.page(reply, 404, locale, 'notFoundTitle', 'notFoundText');
    this.page(reply, 200, locale, 'unsubscribedTitle', 'unsubscribedText');
  }

  private locale(lang: unknown): PageLocale {
    return lang === 'en' || lang === 'ru' ? lang : this.config.defaultLocale;
  }

  private page(
    reply: FastifyReply,
    status: number,
    locale: PageLocale,
    heading: string,
    text: string,
    action?: string,
  ): void {
    const t = this.pages.texts(locale);
    this.pages.send(reply, status, 'unsubscribe', locale, {
      heading: t[heading],
      text: t[text],
      title: t[heading],
      confirm: !!action,
      action: action ?? '',
    });
  }
}
