import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { TemplateEngine } from '@app/core';

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

/** Messages to borrowers (SMS texts, survey emails, SMS answers) from `templates/` through the TemplateEngine. */
@Injectable()
export class TemplateRenderer {
  constructor(
    private readonly config: AppConfig,
    private readonly engine: TemplateEngine,
  ) {}

  sms(purpose: MessagePurpose, kind: 'CSI' | 'NPS', locale: MessageLocale): string {
    return this.engine.render(`sms/${purpose}-${kind.toLowerCase()}.${locale}.hbs`, {
      lender: this.config.lenderName,
    });
  }

  /** A short SMS answer to a borrower's reply (`sms.*` strings of `locales/<locale>.json`). */
  smsReply(
    key: 'thanks' | 'thanksLow' | 'askAgain' | 'commentSaved' | 'alreadyAnswered',
    locale: MessageLocale,
    vars: Record<string, string | number> = {},
  ): string {
    return this.engine.text(locale, `sms.${key}`, { lender: this.config.lenderName, ...vars })!;
  }

  /** The answer to a complaint: `answer.*` strings; plain text in both the SMS and the email. */
  complaintAnswer(
    locale: MessageLocale,
    vars: { registerNo: string; resolution: string },
  ): { sms: string; subject: string; text: string } {
    const render = (key: string) =>
      this.engine.text(locale, key, { lender: this.config.lenderName, ...vars })!;
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
      html: this.engine.render('email/survey.html.hbs', view),
      text: this.engine.render('email/survey.text.hbs', view),
    };
  }

  /** Strings under `email.` in `locales/<locale>.json`, each itself a small template. */
  private translations(locale: MessageLocale, vars: Record<string, string | number>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of Object.keys(this.engine.strings(locale, 'email.')))
      out[key] = this.engine.text(locale, `email.${key}`, vars)!;
    return out;
  }
}
