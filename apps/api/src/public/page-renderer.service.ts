import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { AppConfig } from '@app/config';
import { localeStrings, projectRoot } from '@app/core';
import type { FastifyReply } from 'fastify';

export type PageLocale = 'ru' | 'en';
export type PageName = 'survey' | 'thanks' | 'message' | 'unsubscribe';

/** Server-rendered public pages from `templates/pages` (isolated, strict Handlebars; every value escaped). */
@Injectable()
export class PageRenderer {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly strings = new Map<PageLocale, Record<string, string>>();
  private readonly root = join(projectRoot(), 'templates');

  constructor(private readonly config: AppConfig) {}

  /** `page.*` strings of a locale. */
  texts(locale: PageLocale): Record<string, string> {
    let strings = this.strings.get(locale);
    if (!strings) {
      strings = localeStrings(locale, 'page.');
      for (const key of Object.keys(strings))
        strings[key] = this.hbs.compile(strings[key]!, { strict: true, noEscape: true })({
          lender: this.config.lenderName,
        });
      this.strings.set(locale, strings);
    }
    return strings;
  }

  render(name: PageName, locale: PageLocale, nonce: string, view: Record<string, unknown>): string {
    const t = this.texts(locale);
    const common = { lender: this.config.lenderName, brandColor: this.config.brandColor, locale, t, nonce };
    const body = this.template(`pages/${name}.hbs`)({ ...common, ...view });
    return this.template('pages/layout.hbs')({
      ...common,
      title: (view.title as string | undefined) ?? t.title,
      body,
    });
  }

  private template(path: string): Handlebars.TemplateDelegate {
    let template = this.compiled.get(path);
    if (!template) {
      template = this.hbs.compile(readFileSync(join(this.root, path), 'utf8'), { strict: true });
      this.compiled.set(path, template);
    }
    return template;
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
