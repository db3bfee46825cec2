import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Browser } from 'playwright-core';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { StaffUserService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { invitationToken } from '@app/surveys';
import { RunningApi, startTestApi, TEST_APP_SECRET } from '../support/api-app';
import { launchBrowser, signedInPage } from '../support/browser';
import { PROJECT_ROOT } from '../support/process';

const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');
const PHONE = { width: 390, height: 844 };
// Wednesday 2026-12-02, 10:00 in Moscow.
const NOW = new Date('2026-12-02T07:00:00Z');
const PASSWORD = 'a-long-enough-password';
const ROWS = 2_000;

/**
 * A relationship campaign as an admin runs it, in Russian on a phone: a list of 2,000 borrowers (three
 * bad rows, one number that sent STOP) checked, started over two days, its first sends out, a low
 * answer in the queue naming the campaign, the funnel moving. Every page photographed.
 */
describe('a campaign in Chromium, in Russian on a phone', () => {
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let browser: Browser;
  let sql: Client;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startTestApi({
      clock,
      env: { PUBLIC_BASE_URL: 'https://feedback.lender.test', SMS_SENDER_MPS: '500' },
    });
    await api.app
      .get(StaffUserService)
      .create(SYSTEM_ACTOR, { email: 'admin@l.test', name: 'Админ', role: 'admin', password: PASSWORD });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await sql.query(`UPDATE staff_user SET locale = 'ru'`);
    await sql.query(
      `INSERT INTO contact_suppression (channel, address, reason, created_at) VALUES ('sms', '+79995000007', 'stop', now())`,
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sql?.end();
    await api?.close();
  });

  it('checks the list, starts it over two days, and its answers reach the funnel and the queue', async () => {
    const lines = ['external_id,name,phone,email,locale,time_zone,product,segment'];
    for (let i = 0; i < ROWS; i++) {
      const phone = `+7999500${String(i).padStart(4, '0')}`;
      lines.push(
        `br-${i},Заёмщик ${i},${phone},,ru,${i % 2 ? 'Europe/Moscow' : 'Asia/Novosibirsk'},PDL,repeat`,
      );
    }
    lines[3] = 'br-2,Заёмщик 2,8 999 500 00 02,,ru,Europe/Moscow,PDL,repeat';
    lines[5] = 'br-4,Заёмщик 4,+79995000004,,ru,Europe/Atlantis,PDL,repeat';
    lines[7] = 'br-1,Заёмщик 1,+79995000001,,ru,Europe/Moscow,PDL,repeat';

    const { context, page, errors } = await signedInPage(browser, api.baseUrl, {
      email: 'admin@l.test',
      password: PASSWORD,
    });

    await page.goto(`${api.baseUrl}/console/admin/campaigns`);
    await page.screenshot({ path: join(ARTIFACTS, 'console-campaigns-phone-ru.png'), fullPage: true });
    const form = page.locator('[data-testid=campaign-form]');
    await form.locator('input[name=name]').fill('NPS декабрь');
    await form.locator('select[name=survey]').selectOption('nps_relationship');
    await form.locator('input[name=spreadDays]').fill('2');
    await form.locator('input[name=file]').setInputFiles({
      name: 'заёмщики.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${lines.join('\r\n')}\r\n`),
    });
    await Promise.all([
      page.waitForURL(/notice=campaign_checked/),
      form.locator('button[type=submit]').click(),
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'console-campaign-checked-phone-ru.png'), fullPage: true });
    expect(await page.locator('[data-testid=bad-count]').innerText()).toBe('3');
    expect(await page.locator('[data-testid=bad-rows] li').allInnerTexts()).toEqual([
      expect.stringMatching(/^Строка 4: Телефон — нужен международный формат/),
      expect.stringMatching(/^Строка 6: Часовой пояс/),
      expect.stringMatching(/^Строка 8: ID заёмщика \(external_id\) — этот заёмщик уже есть в строке 3/),
    ]);
    expect(await page.locator('[data-testid=would-invite]').innerText()).toBe(
      (ROWS - 4).toLocaleString('ru-RU'),
    );
    expect(await page.locator('[data-testid=would-skip]').innerText()).toContain(
      'Отписались (номер или адрес): 1',
    );

    await Promise.all([page.waitForURL(/notice=campaign_start/), page.click('[data-testid=campaign-start]')]);
    const id = new URL(page.url()).pathname.split('/')[4]!;
    expect(await page.locator('[data-testid=campaign-status]').innerText()).toBe('Идёт отправка');
    const spread = (
      await sql.query(
        `SELECT min(send_at) AS first, max(send_at) AS last, count(*)::int AS n FROM invitation WHERE campaign_id = $1`,
        [id],
      )
    ).rows[0];
    expect(spread.n).toBe(ROWS - 4);
    expect(spread.first.getTime()).toBeGreaterThanOrEqual(NOW.getTime());
    expect(spread.last.getTime()).toBeGreaterThan(NOW.getTime() + 86_400_000);
    expect(spread.last.getTime()).toBeLessThan(NOW.getTime() + 2 * 86_400_000);

    // The first twenty minutes' sends go out (the console session stays alive); one borrower answers 2.
    clock.set(new Date(NOW.getTime() + 1_200_000));
    await api.app.get(DispatchInvitations).dispatchDue();
    const [sent] = (
      await sql.query(
        `SELECT id FROM invitation WHERE campaign_id = $1 AND status = 'sent' ORDER BY send_at LIMIT 1`,
        [id],
      )
    ).rows;
    const survey = await context.newPage();
    await survey.goto(`${api.baseUrl}/s/${invitationToken(TEST_APP_SECRET, sent.id)}`);
    await survey.locator('input[name=q_recommend][value="2"]').check({ force: true });
    await survey.locator('textarea[name=comment]').fill('Слишком высокий процент');
    await Promise.all([survey.waitForURL(/thanks/), survey.locator('button[type=submit]').click()]);

    await page.goto(`${api.baseUrl}/console/admin/campaigns/${id}`);
    await page.screenshot({ path: join(ARTIFACTS, 'console-campaign-funnel-phone-ru.png'), fullPage: true });
    const stage = async (name: string) =>
      Number((await page.locator(`[data-stage=${name}]`).innerText()).replace(/\s/g, ''));
    expect(await stage('sent')).toBeGreaterThan(0);
    expect(await stage('opened')).toBe(1);
    expect(await stage('answered')).toBe(1);

    const [task] = (
      await sql.query(
        `SELECT t.id FROM callback_task t JOIN response r ON r.id = t.response_id WHERE r.invitation_id = $1`,
        [sent.id],
      )
    ).rows;
    await page.goto(`${api.baseUrl}/console/tasks/${task.id}`);
    expect(await page.locator('[data-testid=task-campaign]').innerText()).toBe('NPS декабрь');
    await page.screenshot({ path: join(ARTIFACTS, 'console-campaign-task-phone-ru.png'), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(errors).toEqual([]);
    await context.close();
  });
});
