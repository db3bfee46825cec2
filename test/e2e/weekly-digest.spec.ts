import { Client } from 'pg';
import { MetricTargets, SendWeeklyDigests } from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { SendQueuedMessages } from '@app/messaging';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';
import { TestSmtpServer } from '../support/smtp-server';

// Monday 23 November 2026, 09:30 in Moscow: the digest covers Monday 16 to Sunday 22 November.
const MONDAY = new Date('2026-11-23T06:30:00Z');

/** The Monday email of the week's figures, to those who subscribed, through the real SMTP path. */
describe('the weekly digest', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let smtp: TestSmtpServer;
  let sql: Client;
  let demo: DemoCredentials;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    api = await startTestApi({
      clock,
      env: {
        SMTP_URL: smtp.url,
        PUBLIC_BASE_URL: 'https://resonance.lender.test',
        LENDER_NAME: 'Деньги Сразу',
      },
    });
    demo = await api.app.get(DemoDataService).seedDemo();
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
    await smtp?.stop();
  });

  const digests = () => api.app.get(SendWeeklyDigests);

  it('goes to nobody until someone subscribes in their profile', async () => {
    clock.set(MONDAY);
    expect(await digests().execute()).toBe(0);
    const login = demo.logins.find((l) => l.role === 'expert')!;
    await sql.query(`UPDATE staff_user SET locale = 'ru' WHERE email = $1`, [login.email]);
    const expert = new ConsoleClient(api.baseUrl);
    await expert.signIn(login.email, login.password);
    const profile = await expert.get('/console/profile');
    expect(profile.text).toContain('data-testid="weekly-digest-form"');
    expect((await expert.post('/console/profile/weekly-digest', { weeklyDigest: 'on' })).status).toBe(303);
    expect(
      (await sql.query(`SELECT weekly_digest FROM staff_user WHERE email = $1`, [login.email])).rows[0],
    ).toEqual({ weekly_digest: true });
  });

  it('is sent on Monday morning only, once per subscriber however many workers run it', async () => {
    for (const instant of ['2026-11-23T05:30:00Z', '2026-11-24T06:30:00Z', '2026-11-22T07:00:00Z']) {
      clock.set(new Date(instant));
      expect([instant, await digests().execute()]).toEqual([instant, 0]);
    }
    clock.set(MONDAY);
    await api.app
      .get(MetricTargets)
      .set(SYSTEM_ACTOR, { metric: 'NPS', value: 45, from: '2026-11-01', to: '2026-12-31' });
    const runs = await Promise.all([digests().execute(), digests().execute(), digests().execute()]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await digests().execute()).toBe(0);
  });

  it('arrives through SMTP with the week’s figures against the target and the week before, the top categories, the overdue work and a link to the dashboard; no borrower data', async () => {
    expect(await api.app.get(SendQueuedMessages).execute()).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    const login = demo.logins.find((l) => l.role === 'expert')!;
    expect(mail.to).toMatchObject({ text: login.email });
    expect(mail.subject).toBe('Деньги Сразу: неделя 16.11.2026–22.11.2026');
    const text = mail.text!;
    expect(text).toContain('Неделя с 16.11.2026 по 22.11.2026');
    expect(text).toMatch(/^NPS: -?[\d,]+ \(ответов: \d+\).* · цель 45, [+-][\d,]+$/m);
    expect(text).toMatch(/^CSI: [\d,]+ \(ответов: \d+\)/m);
    expect(text).toContain('Топ категорий низких оценок:\n1. ');
    expect(text).toMatch(/Просрочено обратных звонков сейчас: \d+/);
    expect(text).toContain(
      'https://resonance.lender.test/console/dashboard?from=2026-11-16&to=2026-11-22&groupBy=week',
    );
    const { rows } = await sql.query(`SELECT name, phone FROM borrower WHERE phone IS NOT NULL LIMIT 50`);
    for (const b of rows) {
      expect(text).not.toContain(b.phone);
      if (b.name) expect(text).not.toContain(b.name);
    }
  });
});
