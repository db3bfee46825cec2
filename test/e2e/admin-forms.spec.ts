import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { StaffUserService } from '@app/identity';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';

/**
 * Every admin form refused for one mistake shows the page again with everything else as typed, the
 * mistake named by its label in the admin's language, and nothing saved.
 */
describe('admin forms keep what was typed when refused', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let admin: ConsoleClient;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await api.app.get(StaffUserService).create(SYSTEM_ACTOR, {
      email: 'admin@lender.test',
      name: 'Ада',
      role: 'admin',
      password: 'long-enough-password',
    });
    admin = new ConsoleClient(api.baseUrl);
    await admin.signIn('admin@lender.test', 'long-enough-password');
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const count = async (table: string) =>
    Number((await sql.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  it.each<{
    form: string;
    page: string;
    table: string;
    body: Record<string, string | string[]>;
    kept: string[];
    named: string;
  }>([
    {
      form: '/console/admin/users',
      page: '/console/admin',
      table: 'staff_user',
      body: {
        name: 'Борис Новиков',
        email: 'boris@lender.test',
        role: 'expert',
        locale: 'en',
        password: 'short',
      },
      kept: [
        'value="Борис Новиков"',
        'value="boris@lender.test"',
        '<option value="expert" selected>',
        '<option value="en" selected>',
      ],
      named: 'Пароль',
    },
    {
      form: '/console/admin/api-keys',
      page: '/console/admin/api-keys',
      table: 'api_key',
      body: { name: 'CRM', scopes: [] },
      kept: ['value="CRM"'],
      named: 'Права',
    },
    {
      form: '/console/admin/webhooks',
      page: '/console/admin/webhooks',
      table: 'webhook_endpoint',
      body: { url: 'ftp://crm.example/hooks', events: ['complaint.registered', 'complaint.resolved'] },
      kept: [
        'value="ftp://crm.example/hooks"',
        'value="complaint.registered" checked',
        'value="complaint.resolved" checked',
      ],
      named: 'Адрес',
    },
    {
      form: '/console/admin/calendar',
      page: '/console/admin/calendar',
      table: 'working_day',
      body: { day: '2026-12-30', kind: 'shortened', note: 'x'.repeat(201) },
      kept: ['value="2026-12-30"', '<option value="shortened" selected>', `value="${'x'.repeat(201)}"`],
      named: 'Заметка',
    },
    {
      form: '/console/admin/targets',
      page: '/console/admin/targets',
      table: 'metric_target',
      body: {
        metric: 'NPS',
        value: '150',
        from: '2026-10-01',
        to: '2026-12-31',
        touchpoint: 'chat',
        product: '',
      },
      kept: [
        'value="150"',
        'value="2026-10-01"',
        'value="2026-12-31"',
        '<option value="NPS" selected>',
        '<option value="chat" selected>',
      ],
      named: 'Цель',
    },
  ])('$form', async ({ form, page, table, body, kept, named }) => {
    await admin.get(page);
    const before = await count(table);
    const refused = await admin.post(form, body);
    expect(refused.status).toBe(422);
    for (const value of kept) expect(refused.text).toContain(value);
    expect(refused.text).toContain(`<b>${named}</b>`);
    expect(await count(table)).toBe(before);
  });

  it('/console/admin/surveys/:key keeps the texts, channels and figures typed', async () => {
    await admin.get('/console/admin/surveys/csi_service');
    const refused = await admin.post('/console/admin/surveys/csi_service', {
      titleRu: 'Оценка поддержки',
      titleEn: 'Support rating',
      q0_ru: 'Как мы справились?',
      q0_en: 'How did we do?',
      commentRu: 'Что улучшить?',
      commentEn: 'What to improve?',
      lowScoreThreshold: '9',
      channels: ['email', 'sms', ''],
      delayMinutes: '20',
      expiryHours: '48',
      reminderHours: '',
      samplePercent: '50',
    });
    expect(refused.status).toBe(422);
    for (const value of [
      'value="Оценка поддержки"',
      'value="Support rating"',
      '>Как мы справились?</textarea>',
      '>How did we do?</textarea>',
      'value="9"',
      'value="20"',
      'value="48"',
      'value="50"',
    ])
      expect(refused.text).toContain(value);
    // The channels in the order chosen: e-mail first, then SMS.
    expect(refused.text).toMatch(
      /Первый<select name="channels">\s*<option value="">—<\/option><option value="sms">SMS<\/option><option value="email" selected>/,
    );
    expect(refused.text).toContain('<b>Порог низкой оценки</b>');
    const { rows } = await sql.query(`SELECT max(version)::int AS v FROM survey WHERE key = 'csi_service'`);
    expect(rows[0].v).toBe(1);
  });

  it('/console/admin/policy keeps the touchpoints ticked and the hours typed', async () => {
    await admin.get('/console/admin/policy');
    const refused = await admin.post('/console/admin/policy', {
      capDays: '12',
      touchpoints: ['chat', 'collection'],
      otherTouchpoints: 'branch_visit',
      workdayStart: '10:00',
      workdayEnd: '09:00',
      dayOffStart: '11:00',
      dayOffEnd: '17:00',
      maxSendAttempts: '4',
    });
    expect(refused.status).toBe(422);
    for (const value of [
      'value="12"',
      'value="chat" checked',
      'value="collection" checked',
      'value="branch_visit"',
      'value="10:00"',
      'value="4"',
    ])
      expect(refused.text).toContain(value);
    expect(refused.text).not.toContain('value="call" checked');
    expect(refused.text).toContain('<b>Тихие часы в будни</b>');
  });

  it('/console/admin/targets refuses a target off its scale, backwards, unreadable or twice, and archives one', async () => {
    await admin.get('/console/admin/targets');
    const target = {
      metric: 'CLI',
      value: '7',
      from: '2026-10-01',
      to: '2026-12-31',
      touchpoint: '',
      product: '',
    };
    for (const [change, named] of [
      [{ value: '11' }, 'Цель'],
      [{ value: '7,555' }, 'Цель'],
      [{ value: 'семь' }, 'Цель'],
      [{ value: '' }, 'Цель'],
      [{ to: '2026-09-01' }, 'По'],
      [{ from: '2026-13-01' }, 'С'],
      [{ metric: 'ROI' }, 'Показатель'],
    ] as const) {
      const refused = await admin.post('/console/admin/targets', { ...target, ...change });
      expect([JSON.stringify(change), refused.status]).toEqual([JSON.stringify(change), 422]);
      expect(refused.text).toContain(`<b>${named}</b>`);
    }
    expect(await count('metric_target')).toBe(0);
    expect((await admin.post('/console/admin/targets', { ...target, value: '7,5' })).status).toBe(303);
    const twice = await admin.post('/console/admin/targets', target);
    expect(twice.status).toBe(409);
    const { rows } = await sql.query(`SELECT id, value::float8 AS value FROM metric_target`);
    expect(rows).toEqual([{ id: expect.any(String), value: 7.5 }]);
    await admin.get('/console/admin/targets');
    expect((await admin.post(`/console/admin/targets/${rows[0].id}/archive`)).status).toBe(303);
    expect((await admin.post(`/console/admin/targets/${rows[0].id}/archive`)).status).toBe(404);
    expect(
      (await sql.query(`SELECT count(*)::int AS n FROM metric_target WHERE archived_at IS NULL`)).rows[0].n,
    ).toBe(0);
  });
});
