import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';
import { request } from '../support/http';

// Wednesday 2026-12-02, 12:00 in Moscow.
const NOW = new Date('2026-12-02T09:00:00Z');
const PASSWORD = 'a-long-enough-password';

/**
 * The programme builder's first part: an admin creates a programme (from a kind, or as a copy), which
 * starts paused; chooses its touchpoints, products and priority; publishes it; contacts then get it.
 */
describe('survey programmes created in the console', () => {
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let sql: Client;
  let admin: ConsoleClient;
  let key: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await api.app
      .get(StaffUserService)
      .create(SYSTEM_ACTOR, { email: 'admin@l.test', name: 'Admin', role: 'admin', password: PASSWORD });
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write'] }))
      .secret;
    admin = new ConsoleClient(api.baseUrl);
    await admin.signIn('admin@l.test', PASSWORD);
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const count = async () => Number((await sql.query(`SELECT count(*) AS n FROM survey`)).rows[0].n);
  const create = async (form: Record<string, string>) => {
    await admin.get('/console/admin/surveys');
    return admin.post('/console/admin/surveys', {
      key: 'nps_call',
      kind: 'NPS',
      copyOf: '',
      titleRu: 'NPS после звонка',
      titleEn: 'NPS after a call',
      ...form,
    });
  };
  const surveyed = async (touchpoint: string, product: string) =>
    (
      await request<{ invitation: { survey: string } | null }>(`${api.baseUrl}/api/v1/contact-events`, {
        method: 'POST',
        json: contactEvent({ occurredAt: '2026-12-02T11:50:00+03:00', touchpoint, product }),
        headers: { authorization: `Bearer ${key}` },
      })
    ).body.invitation?.survey;

  it('creates an NPS for calls, paused until published; once published with a priority, PDL calls get it', async () => {
    const created = await create({});
    expect(created.headers.get('location')).toBe('/console/admin/surveys/nps_call?notice=survey_created');
    expect(
      (
        await sql.query(
          `SELECT version, active, trigger_touchpoints, kind FROM survey WHERE key = 'nps_call'`,
        )
      ).rows,
    ).toEqual([{ version: 1, active: false, trigger_touchpoints: [], kind: 'NPS' }]);
    expect(await surveyed('call', 'PDL')).toBe('csi_service');

    const page = await admin.get('/console/admin/surveys/nps_call');
    expect(page.text).toContain('data-testid="survey-touchpoints"');
    // The draft previewed as the borrower's page, in both languages, in a sandboxed frame.
    for (const [locale, question] of [
      ['ru', 'Насколько вероятно, что вы порекомендуете нас'],
      ['en', 'How likely are you to recommend us'],
    ] as const) {
      const preview = await admin.get(`/console/admin/surveys/nps_call/page-preview?locale=${locale}`);
      expect(preview.status).toBe(200);
      expect(preview.text).toContain(question);
      expect(preview.headers.get('content-security-policy')).toContain('sandbox');
      expect(preview.text).toContain('action="#"');
    }
    const published = await admin.post('/console/admin/surveys/nps_call', {
      titleRu: 'NPS после звонка',
      titleEn: 'NPS after a call',
      q0_ru: 'Порекомендуете ли вы нас после этого звонка?',
      q0_en: 'Would you recommend us after this call?',
      commentRu: '',
      commentEn: '',
      lowScoreThreshold: '6',
      channels: ['sms', 'email', ''],
      delayMinutes: '0',
      expiryHours: '72',
      reminderHours: '',
      samplePercent: '100',
      active: 'on',
      touchpointsShown: '1',
      touchpoints: ['call'],
      products: 'PDL',
      priority: '10',
    });
    expect(published.headers.get('location')).toBe('/console/admin/surveys/nps_call?notice=survey_revised');
    expect(
      (
        await sql.query(
          `SELECT version, active, trigger_touchpoints, products, priority FROM survey WHERE key = 'nps_call' AND is_current`,
        )
      ).rows,
    ).toEqual([{ version: 2, active: true, trigger_touchpoints: ['call'], products: ['PDL'], priority: 10 }]);
    expect(await surveyed('call', 'PDL')).toBe('nps_call');
    expect(await surveyed('call', 'installment')).toBe('csi_service');
    expect(await surveyed('chat', 'PDL')).toBe('csi_service');
  });

  it('copies a programme with its questions, paused, under a new key', async () => {
    const copied = await create({
      key: 'csi_service_pdl',
      kind: '',
      copyOf: 'csi_service',
      titleRu: 'CSI для PDL',
    });
    expect(copied.status).toBe(303);
    const [copy, source] = (
      await sql.query(
        `SELECT key, questions, active, trigger_touchpoints FROM survey WHERE key IN ('csi_service_pdl', 'csi_service') AND is_current ORDER BY key DESC`,
      )
    ).rows;
    expect(copy).toMatchObject({ key: 'csi_service_pdl', active: false, questions: source.questions });
    expect(copy.trigger_touchpoints).toEqual(source.trigger_touchpoints);
  });

  it.each([
    ['a key with spaces and capitals', { key: 'NPS Call' }, 422, 'Ключ'],
    ['a key already taken', { key: 'csi_service' }, 409, 'уже есть'],
    ['an unknown kind', { key: 'csat_chat', kind: 'CSAT' }, 422, 'Тип'],
    ['a copy of nothing', { key: 'copy_of_nothing', kind: '', copyOf: 'nps_nothing' }, 404, ''],
    ['an empty title', { key: 'no_title', titleRu: '' }, 422, 'Название'],
  ])('refuses %s and writes nothing', async (_name, form, status, words) => {
    const before = await count();
    const refused = await create(form);
    expect(refused.status).toBe(status);
    if (words) expect(refused.text).toContain(words);
    expect(await count()).toBe(before);
  });

  it.each([
    ['a touchpoint the policy does not know', { touchpoints: ['pigeon'] }, 'Запускается после'],
    ['a priority of 101', { priority: '101' }, 'Приоритет'],
    ['a product code with spaces', { products: 'P D L' }, 'Продукты'],
    ['a threshold off the scale', { lowScoreThreshold: '11' }, ''],
  ])('refuses an edit with %s, keeping the version', async (_name, change, label) => {
    const before = await count();
    await admin.get('/console/admin/surveys/nps_call');
    const refused = await admin.post('/console/admin/surveys/nps_call', {
      titleRu: 'NPS после звонка',
      titleEn: 'NPS after a call',
      lowScoreThreshold: '6',
      delayMinutes: '0',
      expiryHours: '72',
      samplePercent: '100',
      touchpointsShown: '1',
      touchpoints: ['call'],
      priority: '10',
      ...change,
    });
    expect(refused.status).toBe(422);
    if (label) expect(refused.text).toContain(label);
    expect(await count()).toBe(before);
  });

  it('creates one programme when five admins submit the same key at once', async () => {
    await admin.get('/console/admin/surveys');
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        admin.post('/console/admin/surveys', {
          key: 'nps_race',
          kind: 'NPS',
          copyOf: '',
          titleRu: 'Гонка',
          titleEn: 'Race',
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([303, 409, 409, 409, 409]);
    expect(
      Number((await sql.query(`SELECT count(*) AS n FROM survey WHERE key = 'nps_race'`)).rows[0].n),
    ).toBe(1);
  });

  it('sends the programme’s own SMS text, counted in parts as typed; refuses one of four parts or one language alone', async () => {
    const form = {
      titleRu: 'NPS после звонка',
      titleEn: 'NPS after a call',
      lowScoreThreshold: '6',
      channels: ['sms', 'email', ''],
      delayMinutes: '0',
      expiryHours: '72',
      samplePercent: '100',
      active: 'on',
      touchpointsShown: '1',
      touchpoints: ['call'],
      products: 'PDL',
      priority: '10',
    };
    const before = await count();
    for (const [change, label] of [
      [
        { smsRu: 'ж'.repeat(4 * 67 + 1), smsEn: 'How likely are you to recommend us? Reply 0-10' },
        'Текст SMS (русский)',
      ],
      [{ smsRu: 'Порекомендуете нас? Ответьте цифрой от 0 до 10', smsEn: '' }, 'Текст SMS (английский)'],
    ] as const) {
      await admin.get('/console/admin/surveys/nps_call');
      const refused = await admin.post('/console/admin/surveys/nps_call', { ...form, ...change });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain(label);
    }
    expect(await count()).toBe(before);

    const text = 'Деньги Сразу: порекомендуете нас после звонка? Ответьте цифрой от 0 до 10';
    await admin.get('/console/admin/surveys/nps_call');
    const saved = await admin.post('/console/admin/surveys/nps_call', {
      ...form,
      smsRu: text,
      smsEn: 'Would you recommend us after the call? Reply 0-10',
    });
    expect(saved.status).toBe(303);
    const page = await admin.get('/console/admin/surveys/nps_call');
    const counter = (locale: string) =>
      new RegExp(`data-testid="sms-count-${locale}"[^>]*>(.*?)</output>`)
        .exec(page.text)![1]!
        .replace(/<[^>]+>/g, '');
    expect(counter('ru')).toBe('UCS-2 · 73 / 67 · частей SMS: 2');
    expect(counter('en')).toBe('GSM-7 · 49 / 160 · частей SMS: 1');
    expect(page.text).toContain(`data-testid="sms-preview-ru">${text}<`);

    const event = await request<{ invitation: { id: string; survey: string } }>(
      `${api.baseUrl}/api/v1/contact-events`,
      {
        method: 'POST',
        json: contactEvent({ occurredAt: '2026-12-02T11:55:00+03:00', touchpoint: 'call', product: 'PDL' }),
        headers: { authorization: `Bearer ${key}` },
      },
    );
    expect(event.body.invitation.survey).toBe('nps_call');
    await api.app.get(DispatchInvitations).dispatchDue();
    const { rows } = await sql.query(
      `SELECT body_text FROM message WHERE invitation_id = $1 AND channel = 'sms'`,
      [event.body.invitation.id],
    );
    expect(rows).toEqual([{ body_text: text }]);
  });
});
