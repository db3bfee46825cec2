import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { StaffUserService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';

// Wednesday 2026-12-02, 12:00 in Moscow.
const NOW = new Date('2026-12-02T09:00:00Z');
const PASSWORD = 'a-long-enough-password';
const HEADER = 'external_id,name,phone,email,locale,time_zone,product,segment';

/**
 * The admin's campaign page: a CSV checked before anything is sent (bad rows by line, who would be
 * surveyed and who skipped, worked out and rolled back), then started once, paused, resumed, cancelled.
 */
describe('campaigns in the console', () => {
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let sql: Client;
  let admin: ConsoleClient;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const users = api.app.get(StaffUserService);
    for (const role of ['admin', 'expert'] as const)
      await users.create(SYSTEM_ACTOR, { email: `${role}@l.test`, name: role, role, password: PASSWORD });
    admin = new ConsoleClient(api.baseUrl);
    await admin.signIn('admin@l.test', PASSWORD);
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });
  beforeEach(() => clock.set(NOW));

  const count = async (query: string, params: unknown[] = []) =>
    Number((await sql.query(query, params)).rows[0].n);
  const upload = async (csv: string | Buffer, form: Record<string, string> = {}) => {
    await admin.get('/console/admin/campaigns');
    return admin.upload(
      '/console/admin/campaigns',
      { name: 'NPS декабрь', survey: 'nps_relationship', spreadDays: '0', startAt: '', ...form },
      [
        {
          field: 'file',
          name: 'borrowers.csv',
          type: 'text/csv',
          data: Buffer.isBuffer(csv) ? csv : Buffer.from(csv),
        },
      ],
    );
  };

  it('checks a file, lists its bad rows and what its good rows would do, and writes nothing but the draft', async () => {
    await sql.query(
      `INSERT INTO contact_suppression (channel, address, reason, created_at) VALUES ('sms', '+79994440003', 'stop', now())`,
    );
    const checked = await upload(
      `${HEADER}\n` +
        'cc-1,Ирина,+79994440001,,ru,Europe/Moscow,PDL,repeat\n' +
        'cc-2,Пётр,8 999 444 00 02,,ru,Europe/Moscow,PDL,new\n' +
        'cc-3,Анна,+79994440003,,ru,Europe/Moscow,PDL,new\n' +
        'cc-4,Олег,,oleg@example.ru,ru,Asia/Novosibirsk,installment,vip\n',
    );
    expect(checked.status).toBe(303);
    const location = checked.headers.get('location')!;
    expect(location).toMatch(/^\/console\/admin\/campaigns\/[0-9a-f-]{36}\?notice=campaign_checked$/);
    const id = location.split('/')[4]!.split('?')[0]!;
    // The dry run was rolled back: no borrower, no invitation, no recipient; the draft keeps its file.
    expect(await count(`SELECT count(*) AS n FROM borrower WHERE external_id LIKE 'cc-%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1`, [id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM campaign_upload WHERE campaign_id = $1`, [id])).toBe(1);

    const page = await admin.get(location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="bad-count">1<');
    expect(page.text).toMatch(
      /Строка 3: <b>Телефон[^<]*<\/b> — нужен международный формат: 8 999 … — местный номер/,
    );
    expect(page.text).toContain('data-testid="would-invite">2<');
    expect(page.text).toMatch(/Отписались \(номер или адрес\): <b>1<\/b>/);
    expect(page.text).toContain('Проверена, не запущена');

    const started = await admin.post(`/console/admin/campaigns/${id}/start`);
    expect(started.headers.get('location')).toBe(`/console/admin/campaigns/${id}?notice=campaign_start`);
    expect(await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1`, [id])).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM campaign_upload WHERE campaign_id = $1`, [id])).toBe(0);
    const again = await admin.post(`/console/admin/campaigns/${id}/start`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('data-testid="form-error"');
    expect(await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1`, [id])).toBe(2);

    // Paused: nothing goes out; resumed twenty minutes later: each send moved on by twenty minutes.
    const sendAt = async () =>
      (
        await sql.query(
          `SELECT send_at, next_attempt_at FROM invitation WHERE campaign_id = $1 ORDER BY id`,
          [id],
        )
      ).rows;
    const before = await sendAt();
    const paused = await admin.post(`/console/admin/campaigns/${id}/pause`);
    expect(paused.headers.get('location')).toBe(`/console/admin/campaigns/${id}?notice=campaign_pause`);
    expect((await sendAt()).every((r) => r.next_attempt_at === null)).toBe(true);
    await api.app.get(DispatchInvitations).dispatchDue();
    expect(
      await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1 AND status = 'sent'`, [id]),
    ).toBe(0);
    expect((await admin.get(`/console/admin/campaigns/${id}`)).text).toContain('Приостановлена');
    clock.set(new Date(NOW.getTime() + 1_200_000));
    const resumed = await admin.post(`/console/admin/campaigns/${id}/resume`);
    expect(resumed.headers.get('location')).toBe(`/console/admin/campaigns/${id}?notice=campaign_resume`);
    const after = await sendAt();
    after.forEach((row, i) => {
      expect(row.send_at.getTime() - before[i]!.send_at.getTime()).toBe(1_200_000);
      expect(row.next_attempt_at).toEqual(row.send_at);
    });
    await api.app.get(DispatchInvitations).dispatchDue();
    expect(
      await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1 AND status = 'sent'`, [id]),
    ).toBe(2);
    const funnel = await admin.get(`/console/admin/campaigns/${id}`);
    expect(funnel.text).toContain('data-stage="sent">2<');

    expect((await admin.post(`/console/admin/campaigns/${id}/cancel`)).status).toBe(303);
    expect((await admin.get(`/console/admin/campaigns/${id}`)).text).toContain('Отменена');
    expect((await admin.post(`/console/admin/campaigns/${id}/resume`)).status).toBe(409);
  });

  it.each([
    ['a file without a header', `cx-1,Ирина,+79994440101\n`, 'Строка 1 должна быть заголовком'],
    [
      'a file with no good row',
      `${HEADER}\ncx-2,,8 999 444 01 02,,,,,\n`,
      'нет ни одной строки, которую можно загрузить',
    ],
    ['a file in UTF-16', Buffer.from(`\uFEFF${HEADER}\n`, 'utf16le'), 'Файл в кодировке UTF-16'],
    [
      'a quote never closed',
      `${HEADER}\ncx-3,"Ирина,+79994440103,,,,,\n`,
      'кавычка, открытая в строке 2, не закрыта',
    ],
    ['a file of 33 MB', Buffer.alloc(33 * 1_048_576, 'a'), 'не больше 32 МБ'],
  ])('refuses %s with the reason on the page in Russian and writes nothing', async (_name, csv, reason) => {
    const before = await count(`SELECT count(*) AS n FROM campaign`);
    const refused = await upload(csv);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('data-testid="form-error"');
    expect(refused.text).toContain(reason);
    expect(await count(`SELECT count(*) AS n FROM campaign`)).toBe(before);
  });

  it('refuses an unknown programme, a spread of 31 days and a start that is no date, naming each field', async () => {
    const before = await count(`SELECT count(*) AS n FROM campaign`);
    const csv = `${HEADER}\ncy-1,,+79994440201,,,,,\n`;
    for (const [form, label] of [
      [{ survey: 'nps_unknown' }, 'Опрос'],
      [{ spreadDays: '31' }, 'Растянуть на дни'],
      [{ startAt: 'завтра' }, 'Начало'],
    ] as const) {
      const refused = await upload(csv, form);
      expect(refused.status).toBe(422);
      expect(refused.text).toContain(`<b>${label}</b>`);
    }
    expect(await count(`SELECT count(*) AS n FROM campaign`)).toBe(before);
  });

  it('finishes a start that was interrupted, inviting no one twice; then there is nothing left to import', async () => {
    const checked = await upload(
      `${HEADER}\nci-1,,+79994440301,,,,,\nci-2,,+79994440302,,,,,\nci-3,,+79994440303,,,,,\n`,
    );
    const id = checked.headers.get('location')!.split('/')[4]!.split('?')[0]!;
    // The process stopped after the status changed and one row went in: what a crash mid-start leaves.
    await admin.post(`/console/admin/campaigns/${id}/start`);
    await sql.query(`UPDATE invitation SET status = 'cancelled' WHERE campaign_id = $1`, [id]);
    await sql.query(
      `INSERT INTO campaign_upload (campaign_id, file_name, content, created_at) VALUES ($1, 'borrowers.csv', $2, now())`,
      [
        id,
        Buffer.from(
          `${HEADER}\nci-1,,+79994440301,,,,,\nci-2,,+79994440302,,,,,\nci-3,,+79994440303,,,,,\nci-4,,+79994440304,,,,,\n`,
        ),
      ],
    );
    const page = await admin.get(`/console/admin/campaigns/${id}`);
    expect(page.text).toContain('data-testid="import-unfinished"');
    const continued = await admin.post(`/console/admin/campaigns/${id}/continue`);
    expect(continued.headers.get('location')).toBe(`/console/admin/campaigns/${id}?notice=campaign_continue`);
    // The three already in are skipped as duplicates; the fourth is invited; the file is gone.
    expect(await count(`SELECT count(*) AS n FROM campaign_recipient WHERE campaign_id = $1`, [id])).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1`, [id])).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM campaign_upload WHERE campaign_id = $1`, [id])).toBe(0);
    expect((await admin.get(`/console/admin/campaigns/${id}`)).text).not.toContain(
      'data-testid="import-unfinished"',
    );
    expect((await admin.post(`/console/admin/campaigns/${id}/continue`)).status).toBe(409);
  });

  it('is for admins only', async () => {
    const expert = new ConsoleClient(api.baseUrl);
    await expert.signIn('expert@l.test', PASSWORD);
    expect((await expert.get('/console/admin/campaigns')).status).toBe(403);
  });
});
