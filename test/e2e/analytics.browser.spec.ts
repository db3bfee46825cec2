import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { LenderCounts, MetricTargets } from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { RunningApi, startTestApi } from '../support/api-app';
import { launchBrowser } from '../support/browser';
import { parseCsv } from '../support/csv';
import { PROJECT_ROOT } from '../support/process';

const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');
const PHONE = { width: 390, height: 844 };

/**
 * The QC analytics in Chromium, in Russian on a phone, as a CX manager and an admin use them: the
 * answers explorer filtered and downloaded, the dashboard's targets, categories and ratios, the people
 * page and the keyword editor. Every page is checked for script errors and photographed.
 */
describe('QC analytics in Chromium, in Russian on a phone', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let browser: Browser;
  let sql: Client;
  let demo: DemoCredentials;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startTestApi({ clock, env: { LENDER_NAME: 'Деньги Сразу' } });
    demo = await api.app.get(DemoDataService).seedDemo();
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await sql.query(`UPDATE staff_user SET locale = 'ru'`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sql?.end();
    await api?.close();
  });

  async function signIn(role: string): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true, locale: 'ru-RU' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const login = demo.logins.find((l) => l.role === role)!;
    await page.goto(`${api.baseUrl}/console/login`);
    await page.fill('input[name=email]', login.email);
    await page.fill('input[name=password]', login.password);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith('/login')),
      page.click('button[type=submit]'),
    ]);
    return { page, context, errors };
  }

  it('a CX manager filters the answers to low chat answers of one operator and downloads exactly those rows', async () => {
    const [{ agent_ref: operator }] = (
      await sql.query(
        `SELECT e.agent_ref FROM response r JOIN invitation i ON i.id = r.invitation_id
           JOIN contact_event e ON e.id = i.contact_event_id
          WHERE r.low AND r.touchpoint = 'chat' AND r.submitted_at >= '2026-10-20'
          GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      )
    ).rows;
    const { page, context, errors } = await signIn('expert');
    await page.goto(`${api.baseUrl}/console/responses`);
    expect(await page.locator('h1').innerText()).toBe('Ответы заёмщиков');
    const filters = page.locator('[data-testid=response-filters]');
    await filters.locator('select[name=touchpoint]').selectOption('chat');
    await filters.locator('input[name=operator]').fill(operator);
    await filters.locator('input[name=low]').check();
    await Promise.all([page.waitForURL(/operator=/), filters.locator('button[type=submit]').click()]);
    const shown = await page.locator('[data-testid=responses-table] tbody tr').count();
    expect(shown).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'console-answers-filtered-phone-ru.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=responses-export-csv]'),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = parseCsv(csv.replace(/^\uFEFF/, ''));
    expect(header!.slice(0, 2)).toEqual(['Ответ', 'Дата ответа']);
    expect(lines).toHaveLength(shown);
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM response r JOIN invitation i ON i.id = r.invitation_id
         JOIN contact_event e ON e.id = i.contact_event_id
        WHERE r.low AND r.touchpoint = 'chat' AND e.agent_ref = $1
          AND r.submitted_at >= ('2026-10-20'::timestamp AT TIME ZONE 'Europe/Moscow')
          AND r.submitted_at < ('2026-11-19'::timestamp AT TIME ZONE 'Europe/Moscow')`,
      [operator],
    );
    expect(shown).toBe(rows[0].n);
    const column = header!.indexOf('Оператор');
    expect(lines.every((line) => line[column] === operator)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the dashboard shows the NPS target and its gap, the category shares and the top five, and the ratios on the posted counts', async () => {
    await api.app
      .get(MetricTargets)
      .set(SYSTEM_ACTOR, { metric: 'NPS', value: 45, from: '2026-08-01', to: '2026-12-31' });
    await api.app.get(LenderCounts).replaceDay(SYSTEM_ACTOR, {
      date: '2026-11-17',
      product: null,
      counts: { applications: 500, loans_issued: 300 },
    });
    const { page, context, errors } = await signIn('expert');
    await page.goto(`${api.baseUrl}/console/dashboard`);
    await page.waitForFunction(`[...document.querySelectorAll('canvas')].every((c) => c.width > 0)`);
    const nps = page.locator('[data-testid=kpi-nps]');
    expect(await nps.innerText()).toMatch(/Цель 45 · [+-−]?[\d,]+/);
    expect(await nps.innerText()).toContain('к прошлому периоду');
    await nps.screenshot({ path: join(ARTIFACTS, 'console-dashboard-nps-tile-phone-ru.png') });
    const shares = page.locator('[data-testid=category-shares]');
    expect(await shares.locator('canvas').count()).toBe(2);
    expect(await shares.locator('[data-testid=top-categories] tbody tr').count()).toBeGreaterThan(0);
    await shares.screenshot({ path: join(ARTIFACTS, 'console-dashboard-categories-phone-ru.png') });
    const ratios = page.locator('[data-testid=ratios]');
    expect(await ratios.locator('[data-testid=ratios-table]').count()).toBe(1);
    await ratios.screenshot({ path: join(ARTIFACTS, 'console-dashboard-ratios-phone-ru.png') });
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an admin tries words on the last comments, then saves them; the People page ranks operators by complaints', async () => {
    const { page, context, errors } = await signIn('admin');
    await page.goto(`${api.baseUrl}/console/admin/keywords`);
    const form = page.locator('[data-testid=keyword-form]');
    await form.locator('select[name=category]').selectOption('incorrect_consultation');
    await form.locator('textarea[name=words]').fill('долго ждал, не решили');
    await form.locator('[data-testid=try]').click();
    const trial = page.locator('[data-testid=trial]');
    expect(Number(await trial.getAttribute('data-gained'))).toBeGreaterThan(0);
    await page.screenshot({
      path: join(ARTIFACTS, 'console-admin-keywords-trial-phone-ru.png'),
      fullPage: true,
    });
    expect(await sql.query(`SELECT 1 FROM comment_keyword`).then((r) => r.rowCount)).toBe(0);
    await page.locator('[data-testid=keyword-form] [data-testid=save]').click();
    await page.waitForURL(/notice=keywords_added/);
    expect(await page.locator('[data-testid=keywords]').innerText()).toContain('долго ждал');

    await page.goto(`${api.baseUrl}/console/people`);
    const rows = page.locator('[data-testid=operators] tbody tr');
    expect(await rows.count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, 'console-people-phone-ru.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
