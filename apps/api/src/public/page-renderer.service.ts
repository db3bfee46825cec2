import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { TemplateEngine } from '@app/core';
import type { FastifyReply } from 'fastify';

export type PageLocale = 'ru' | 'en';
export type PageName = 'survey' | 'thanks' | 'message' | 'unsubscribe';

/** Server-rendered public pages from `templates/pages` (through the TemplateEngine; every value escaped). */
@Injectable()
export class PageRenderer {
  private readonly strings = new Map<PageLocale, Record<string, string>>();

  constructor(
    private readonly config: AppConfig,
    private readonly engine: TemplateEngine,
  ) {}

  /** `page.*` strings of a locale, the lender's name filled in. */
  texts(locale: PageLocale): Record<string, string> {
    let strings = this.strings.get(locale);
    if (!strings) {
      strings = {};
      for (const key of Object.keys(this.engine.strings(locale, 'page.')))
        strings[key] = this.engine.text(locale, `page.${key}`, { lender: this.config.lenderName })!;
      this.strings.set(locale, strings);
    }
    return strings;
  }

  render(name: PageName, locale: PageLocale, nonce: string, view: Record<string, unknown>): string {
    const t = this.texts(locale);
    const common = { lender: this.config.lenderName, brandColor: this.config.brandColor, locale, t, nonce };
    const body = this.engine.render(`pages/${name}.hbs`, { ...common, ...view });
    return this.engine.render('pages/layout.hbs', {
      ...common,
      title: (view.title as string | undefined) ?? t.title,
      body,
    });
  }

  /** Sends a page with the public pages' headers: no caching, no referrer, a strict CSP with a fresh nonce. */
  send(
    reply: FastifyReply,
    status: number,
    page: PageName,
    locale: PageLocale,
    view: Record<string, unknown>,
  ): void {
    const nonce = randomBytes(16).toString('base64');
    void reply
      .status(status)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Content-Type-Options', 'nosniff')
      .header('X-Frame-Options', 'DENY')
      .header(
        'Content-Security-Policy',
        `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; img-src 'self'`,
      )
      .send(this.render(page, locale, nonce, view));
  }
}
