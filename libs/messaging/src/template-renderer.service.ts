import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { AppConfig } from '@app/config';
import { projectRoot } from '@app/core';

export type MessageLocale = 'ru' | 'en';
export type MessagePurpose = 'invitation' | 'reminder';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface SurveyEmailModel {
  locale: MessageLocale;
  purpose: MessagePurpose;
  name: string | null;
  question: { text: string; min: number; max: number; minLabel: string; maxLabel: string } | null;
  surveyUrl: string;
  unsubscribeUrl: string;
  expiresAt: Date;
  timeZone: string;
}

/**
 * Renders `templates/` with Handlebars in isolated, strict instances: HTML escapes every value,
 * plain text (SMS, the text part of emails) does not. Templates compile once.
 */
@Injectable()
export class TemplateRenderer {
  private readonly html = Handlebars.create();
  private readonly plain = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly strings = new Map<MessageLocale, Record<string, string>>();
  private readonly root = join(projectRoot(), 'templates');

  constructor(private readonly config: AppConfig) {}

  sms(purpose: MessagePurpose, kind: 'CSI' | 'NPS', locale: MessageLocale): string {
    return this.template(
      'plain',
      `sms/${purpose}-${kind.toLowerCase()}.${locale}.hbs`,
    )({ lender: this.config.lenderName });
  }

  /** A short SMS answer to a borrower's reply (`sms.*` strings of `locales/<locale>.json`). */
  smsReply(
    key: 'thanks' | 'thanksLow' | 'askAgain' | 'commentSaved' | 'alreadyAnswered',
    locale: MessageLocale,
    vars: Record<string, string | number> = {},
  ): string {
    const source = this.localeStrings(locale)[`sms.${key}`]!;
    return this.compile(
      'plain',
      `locale:${locale}:sms.${key}`,
      source,
    )({ lender: this.config.lenderName, ...vars });
  }

  /** The answer to a complaint: `answer.*` strings; plain text in both the SMS and the email. */
  complaintAnswer(
    locale: MessageLocale,
    vars: { registerNo: string; resolution: string },
  ): { sms: string; subject: string; text: string } {
    const strings = this.localeStrings(locale);
    const render = (key: string) =>
      this.compile(
        'plain',
        `locale:${locale}:${key}`,
        strings[key]!,
      )({ lender: this.config.lenderName, ...vars });
    return { sms: render('answer.sms'), subject: render('answer.subject'), text: render('answer.text') };
  }

  surveyEmail(model: SurveyEmailModel): EmailContent {
    const t = this.translations(model.locale, {
      lender: this.config.lenderName,
      date: new Intl.DateTimeFormat(model.locale === 'ru' ? 'ru-RU' : 'en-GB', {
        dateStyle: 'long',
        timeStyle: 'short',
        timeZone: model.timeZone,
      }).format(model.expiresAt),
    });
    const scores = model.question
      ? Array.from({ length: model.question.max - model.question.min + 1 }, (_, i) => {
          const value = model.question!.min + i;
          return { value, url: `${model.surveyUrl}?score=${value}` };
        })
      : [];
    const subject = t[`subject.${model.purpose}`]!;
    const view = {
      locale: model.locale,
      subject,
      t,
      name: model.name,
      reminder: model.purpose === 'reminder',
      single: model.question !== null,
      question: model.question,
      scores,
      surveyUrl: model.surveyUrl,
      unsubscribeUrl: model.unsubscribeUrl,
      brandColor: this.config.brandColor,
    };
    return {
      subject,
      html: this.template('html', 'email/survey.html.hbs')(view),
      text: this.template('plain', 'email/survey.text.hbs')(view),
    };
  }

  /** Strings under `email.` in `locales/<locale>.json`, each itself a small template. */
  private translations(locale: MessageLocale, vars: Record<string, string | number>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.localeStrings(locale))) {
      if (key.startsWith('email.'))
        out[key.slice('email.'.length)] = this.compile('plain', `locale:${locale}:${key}`, value)(vars);
    }
    return out;
  }

  private localeStrings(locale: MessageLocale): Record<string, string> {
    let strings = this.strings.get(locale);
    if (!strings) {
      strings = JSON.parse(readFileSync(join(this.root, 'locales', `${locale}.json`), 'utf8')) as Record<
        string,
        string
      >;
      this.strings.set(locale, strings);
    }
    return strings;
  }

  private template(engine: 'html' | 'plain', path: string): Handlebars.TemplateDelegate {
    return this.compile(engine, path, () => readFileSync(join(this.root, path), 'utf8'));
  }

  private compile(
    engine: 'html' | 'plain',
    id: string,
    source: string | (() => string),
  ): Handlebars.TemplateDelegate {
    const cacheKey = `${engine}:${id}`;
    let template = this.compiled.get(cacheKey);
    if (!template) {
      const text = typeof source === 'string' ? source : source();
      template =
        engine === 'html'
          ? this.html.compile(text, { strict: true })
          : this.plain.compile(text, { strict: true, noEscape: true });
      this.compiled.set(cacheKey, template);
    }
    return template;
  }
}
