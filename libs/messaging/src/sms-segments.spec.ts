import { AppConfig } from '@app/config';
import { TemplateEngine } from '@app/core';
import { smsLength } from './sms-segments';
import { TemplateRenderer } from './template-renderer.service';
import { backoffMs } from './dispatch-invitations.use-case';

const engine = new TemplateEngine();

describe('smsLength', () => {
  it('counts GSM-7 text in 160-character segments and extension characters twice', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161)).segments).toBe(2);
    expect(smsLength('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
  });

  it('counts anything else (Cyrillic, emoji, em dash) as UCS-2 in 70-unit segments', () => {
    expect(smsLength('я'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsLength('я'.repeat(71)).segments).toBe(2);
    expect(smsLength('ok — ok').encoding).toBe('UCS-2');
  });
});

describe('SMS templates', () => {
  // The longest lender name allowed (LENDER_NAME ≤ 16 characters), in Cyrillic and in Latin.
  const lenders = ['МикроФинанс Плюс', 'MicroFinance Pro'];

  it.each(
    lenders.flatMap((lender) =>
      (['invitation', 'reminder'] as const).flatMap((purpose) =>
        (['CSI', 'NPS'] as const).flatMap((kind) =>
          (['ru', 'en'] as const).map((locale) => [lender, purpose, kind, locale] as const),
        ),
      ),
    ),
  )('fit one segment: %s, %s, %s, %s', (lender, purpose, kind, locale) => {
    const renderer = new TemplateRenderer(
      AppConfig.of({ lenderName: lender, brandColor: '#000000' } as AppConfig),
      engine,
    );
    const body = renderer.sms(purpose, kind, locale);
    expect(body.startsWith(`${lender}: `)).toBe(true);
    expect(smsLength(body).segments).toBe(1);
    if (locale === 'en' && /^[\x20-\x7e]+$/.test(lender)) expect(smsLength(body).encoding).toBe('GSM-7');
  });
});

describe('backoffMs', () => {
  it('grows exponentially with jitter and is capped at an hour', () => {
    expect(backoffMs(1, () => 0)).toBe(15_000);
    expect(backoffMs(1, () => 1)).toBe(30_000);
    expect(backoffMs(3, () => 1)).toBe(120_000);
    expect(backoffMs(30, () => 1)).toBe(3_600_000);
  });
});
