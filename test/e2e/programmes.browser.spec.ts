import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Browser } from 'playwright-core';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { StaffUserService } from '@app/identity';
import { RunningApi, startTestApi } from '../support/api-app';
import { launchBrowser, signedInPage } from '../support/browser';
import { PROJECT_ROOT } from '../support/process';

const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');
const PHONE = { width: 390, height: 844 };
const PASSWORD = 'a-long-enough-password';

/** An admin builds an NPS for calls in the PDL product in Russian on a phone: created, worded, previewed, published. */
describe('the programme builder in Chromium, in Russian on a phone', () => {
  const clock = new FixedClock(new Date('2026-12-02T09:00:00Z'));
  let api: RunningApi;
  let browser: Browser;
  let sql: Client;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startTestApi({ clock });
    await api.app
      .get(StaffUserService)
      .create(SYSTEM_ACTOR, { email: 'admin@l.test', name: 'Админ', role: 'admin', password: PASSWORD });
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

  it('creates the programme, words it, previews the page in both languages and publishes it', async () => {
    const { context, page, errors } = await signedInPage(browser, api.baseUrl, {
      email: 'admin@l.test',
      password: PASSWORD,
    });

    await page.goto(`${api.baseUrl}/console/admin/surveys`);
    const form = page.locator('[data-testid=new-programme]');
    await form.locator('input[name=key]').fill('nps_call_pdl');
    await form.locator('select[name=kind]').selectOption('NPS');
    await form.locator('input[name=titleRu]').fill('NPS после звонка (PDL)');
    await form.locator('input[name=titleEn]').fill('NPS after a call (PDL)');
    await Promise.all([
      page.waitForURL(/notice=survey_created/),
      form.locator('button[type=submit]').click(),
    ]);

    const edit = page.locator('[data-testid=survey-form]');
    await edit
      .locator('textarea[name=q0_ru]')
      .fill('Порекомендуете ли вы нас друзьям после разговора с оператором?');
    await edit.locator('input[name=touchpoints][value=call]').check();
    await edit.locator('input[name=products]').fill('PDL');
    await edit.locator('input[name=priority]').fill('20');
    // The SMS counter follows the typing: Cyrillic is UCS-2, 70 to an SMS, 67 a part beyond.
    await edit.locator('textarea[name=smsRu]').fill('ж'.repeat(71));
    expect(await page.locator('[data-testid=sms-count-ru]').innerText()).toBe(
      'UCS-2 · 71 / 67 · частей SMS: 2',
    );
    await edit.locator('textarea[name=smsRu]').fill('Порекомендуете нас? Ответьте от 0 до 10');
    expect(await page.locator('[data-testid=sms-count-ru]').innerText()).toBe(
      'UCS-2 · 39 / 70 · частей SMS: 1',
    );
    await edit.locator('textarea[name=smsEn]').fill('Would you recommend us? Reply 0 to 10');
    expect(await page.locator('[data-testid=sms-count-en]').innerText()).toBe(
      'GSM-7 · 37 / 160 · частей SMS: 1',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'console-programme-draft-phone-ru.png'), fullPage: true });
    // The previews load lazily, as the admin scrolls to them.
    await page.locator('[data-testid=page-preview-ru]').scrollIntoViewIfNeeded();
    const preview = page.frameLocator('[data-testid=page-preview-ru]');
    expect(await preview.locator('body').innerText()).toContain('Насколько вероятно');
    await page.locator('[data-testid=page-preview-en]').scrollIntoViewIfNeeded();
    expect(await page.frameLocator('[data-testid=page-preview-en]').locator('body').innerText()).toContain(
      'How likely',
    );
    await edit.locator('input[name=active]').check();
    await Promise.all([
      page.waitForURL(/notice=survey_revised/),
      edit.locator('button[type=submit]').click(),
    ]);
    await page.locator('[data-testid=page-preview-ru]').scrollIntoViewIfNeeded();
    expect(await page.frameLocator('[data-testid=page-preview-ru]').locator('body').innerText()).toContain(
      'после разговора с оператором',
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'console-programme-published-phone-ru.png'),
      fullPage: true,
    });
    expect(
      (
        await sql.query(
          `SELECT version, active, trigger_touchpoints, products, priority FROM survey WHERE key = 'nps_call_pdl' AND is_current`,
        )
      ).rows,
    ).toEqual([{ version: 2, active: true, trigger_touchpoints: ['call'], products: ['PDL'], priority: 20 }]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(errors).toEqual([]);
    await context.close();
  });
});
