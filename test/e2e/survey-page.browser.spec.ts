import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Browser } from 'playwright-core';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi } from '../support/api-app';
import { launchBrowser } from '../support/browser';
import { request } from '../support/http';
import { PROJECT_ROOT } from '../support/process';
import { TestSmtpServer } from '../support/smtp-server';

const PUBLIC = 'https://feedback.lender.test';
const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');

describe('the survey page in Chromium, from the email link', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let sql: Client;
  let key: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    smtp = await new TestSmtpServer().start();
    api = await startTestApi({
      clock,
      env: {
        PUBLIC_BASE_URL: PUBLIC,
        SMTP_URL: smtp.url,
        LENDER_NAME: 'Деньги Сразу',
        BRAND_COLOR: '#0b6e4f',
      },
    });
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write'] }))
      .secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sql?.end();
    await api?.close();
    await smtp?.stop();
  });

  /** Schedules an email survey, dispatches it to the SMTP server and returns the link for `score`, on this server. */
  async function emailLink(email: string, score: number): Promise<{ url: string; invitationId: string }> {
    const posted = await request<{ invitation: { id: string } }>(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      json: contactEvent({
        occurredAt: '2026-11-18T11:00:00+03:00',
        touchpoint: 'chat',
        borrower: { phone: undefined, email },
      }),
      headers: { authorization: `Bearer ${key}` },
    });
    await api.app.get(DispatchInvitations).dispatchDue();
    const mail = smtp.received.find((m) => JSON.stringify(m.to).includes(email))!;
    const link = [...(mail.html as string).matchAll(/href="([^"]+\?score=(\d+))"/g)].find(
      (m) => m[2] === String(score),
    )![1]!;
    return { url: link.replace(PUBLIC, api.baseUrl), invitationId: posted.body.invitation.id };
  }

  it('on a 360 px phone: the emailed score is pre-selected, a low score and a comment are submitted, a task is opened', async () => {
    const { url, invitationId } = await emailLink('phone@example.ru', 2);
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    expect(await page.isChecked('input[name="q_satisfaction"][value="2"]')).toBe(true);
    const option = await page.locator('.scale span').first().boundingBox();
    expect(option!.height).toBeGreaterThanOrEqual(44);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(ARTIFACTS, 'survey-page-360.png'), fullPage: true });

    await page.fill('textarea[name="comment"]', 'Долго ждал ответа оператора');
    await Promise.all([page.waitForURL(/\/thanks/), page.click('button[type="submit"]')]);
    expect(await page.textContent('h1')).toBe('Спасибо!');
    await page.screenshot({ path: join(ARTIFACTS, 'survey-thanks-360.png'), fullPage: true });
    expect(errors).toEqual([]);

    const task = (
      await sql.query(
        `SELECT t.status FROM callback_task t JOIN response r ON r.id = t.response_id WHERE r.invitation_id = $1`,
        [invitationId],
      )
    ).rows[0];
    expect(task).toEqual({ status: 'open' });
    await page.close();
  });

  it('works with JavaScript off and by keyboard alone, on a desktop window', async () => {
    const { url, invitationId } = await emailLink('desktop@example.ru', 5);
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(url.replace(/\?score=\d+/, '') + '?lang=en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.focus('input[name="q_satisfaction"][value="1"]');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await page.isChecked('input[name="q_satisfaction"][value="4"]')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'survey-page-desktop.png') });
    await Promise.all([page.waitForURL(/\/thanks/), page.click('button[type="submit"]')]);
    expect(await page.textContent('h1')).toBe('Thank you!');
    const response = (
      await sql.query(`SELECT score, low FROM response WHERE invitation_id = $1`, [invitationId])
    ).rows[0];
    expect(response).toEqual({ score: '4.00', low: false });
    await context.close();
  });
});
