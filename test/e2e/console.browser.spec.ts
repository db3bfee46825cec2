import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { SendDeadlineDigests } from '@app/complaints';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { RunningApi, startTestApi } from '../support/api-app';
import { launchBrowser } from '../support/browser';
import { PROJECT_ROOT } from '../support/process';

const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/**
 * The console in Chromium on the demo data, the way a newcomer works it: an agent takes a task and
 * registers a complaint, an expert reviews and resolves it, compliance finds it and downloads the
 * register, an admin creates an API key and edits a survey text. Every page is checked for script
 * errors (a CSP violation is one) and photographed into test/artifacts.
 */
describe('the staff console in Chromium', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let browser: Browser;
  let sql: Client;
  let demo: DemoCredentials;
  let complaintId: string;
  let registerNo: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startTestApi({ clock, env: { LENDER_NAME: 'Деньги Сразу' } });
    demo = await api.app.get(DemoDataService).seedDemo();
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sql?.end();
    await api?.close();
  });

  /** A fresh browser context signed in as the demo user of `role`, collecting script errors. */
  async function signIn(
    role: string,
    viewport = DESKTOP,
  ): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'en-GB' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const login = demo.logins.find((l) => l.role === role)!;
    await page.goto(`${api.baseUrl}/console`);
    expect(page.url()).toContain('/console/login');
    await page.fill('input[name=email]', login.email);
    await page.fill('input[name=password]', login.password);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith('/login')),
      page.click('button[type=submit]'),
    ]);
    return { page, context, errors };
  }

  /** The navigation's items by name (the complaint counts beside a name are checked on their own). */
  async function navigation(page: Page): Promise<string[]> {
    return page
      .locator('header nav a')
      .evaluateAll((links) => links.map((a) => (a.firstChild?.textContent ?? '').trim()));
  }

  it('an agent takes the next task, reveals the phone, logs a call and registers a complaint (desktop)', async () => {
    const { page, context, errors } = await signIn('agent');
    expect(new URL(page.url()).pathname).toBe('/console/queue');
    expect(await navigation(page)).toEqual(['Queue', 'People']);
    await page.click('a:has-text("Open queue")');
    const openRows = await page.locator('[data-testid=queue-table] tbody tr').count();
    expect(openRows).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'console-queue-desktop.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/console\/tasks\//), page.click('[data-testid=take-next]')]);
    expect(await page.locator('.alert[role=status]').innerText()).toContain('The task is yours now.');
    const masked = await page.locator('[data-testid=phone]').innerText();
    expect(masked).toMatch(/^\+79•+\d\d$/);
    await page.click('[data-testid=reveal]');
    expect(await page.locator('[data-testid=phone]').innerText()).toMatch(/^\+7999\d{7}$/);

    await page.check('[data-testid=attempt-form] input[value=reached]');
    await page.fill('[data-testid=attempt-form] textarea[name=note]', 'Borrower explains the double charge');
    await Promise.all([
      page.waitForURL(/notice=attempt_logged/),
      page.click('[data-testid=attempt-form] button'),
    ]);
    expect(await page.locator('[data-testid=attempts]').innerText()).toContain('Reached');

    await page.selectOption('[data-testid=complaint-form] select[name=category]', 'payments');
    await page.fill(
      '[data-testid=complaint-form] textarea[name=substance]',
      'Charged twice for one repayment <script>alert(1)</script>',
    );
    await Promise.all([
      page.waitForURL(/notice=complaint_registered/),
      page.click('[data-testid=complaint-form] button'),
    ]);
    const link = page.locator('[data-testid=complaint-link]');
    registerNo = (await link.innerText()).replace('№ ', '');
    expect(registerNo).toMatch(/^2026-\d{6}$/);
    complaintId = (await link.getAttribute('href'))!.split('/').pop()!;
    await page.screenshot({ path: join(ARTIFACTS, 'console-task-desktop.png'), fullPage: true });

    expect(errors).toEqual([]);
    // Agents do not open the complaint register or other roles' pages.
    const refused = await page.goto(`${api.baseUrl}/console/complaints`);
    expect(refused!.status()).toBe(403);
    await context.close();
  });

  it('an expert reviews and resolves that complaint on a phone, and its history shows every step', async () => {
    const { page, context, errors } = await signIn('expert', PHONE);
    expect(await navigation(page)).toEqual([
      'Queue',
      'Complaints',
      'Dashboard',
      'Answers',
      'People',
      'Outbox',
    ]);
    await page.goto(`${api.baseUrl}/console/complaints/${complaintId}`);
    // The substance is shown as text: the script tag is escaped, not run.
    expect(await page.locator('blockquote').first().innerText()).toContain('<script>alert(1)</script>');
    expect(Number(await page.locator('[data-testid=days-left]').innerText())).toBe(15);

    await page.check('[data-testid=review-form] input[value=calculation_error]');
    await page.check('[data-testid=review-form] input[value=justified]');
    await page.fill('[data-testid=review-form] textarea[name=rootCause]', 'A retry in the payment gateway');
    await page.selectOption('[data-testid=review-form] select[name=responseType]', 'accept_with_redress');
    await page.fill('[data-testid=review-form] textarea[name=redress]', 'Second charge refunded');
    await page.fill(
      '[data-testid=review-form] textarea[name=correctiveAction]',
      'Idempotent payment retries',
    );
    await page.fill('[data-testid=review-form] input[name=correctiveActionOwner]', 'Payments team lead');
    await Promise.all([page.waitForURL(/notice=reviewed/), page.click('[data-testid=review-form] button')]);
    expect(await page.locator('[data-testid=complaint-status]').innerText()).toBe('Under review');

    await page.fill('[data-testid=resolve-form] textarea[name=resolution]', 'We refunded the second charge.');
    await page.check('[data-testid=resolve-form] input[name=answerBy][value=sms]');
    await Promise.all([page.waitForURL(/notice=resolved/), page.click('[data-testid=resolve-form] button')]);
    expect(await page.locator('[data-testid=complaint-status]').innerText()).toBe('Resolved');
    const history = await page.locator('[data-testid=history]').innerText();
    for (const step of ['Registered', 'Reviewed', 'Resolved', 'Status: Under review → Resolved'])
      expect(history).toContain(step);
    // Readable: no machine keys, ISO dates or ids.
    expect(history).not.toMatch(/complaint\.|\d{4}-\d{2}-\d{2}T|[0-9a-f]{8}-[0-9a-f]{4}-/);
    await page.screenshot({ path: join(ARTIFACTS, 'console-complaint-phone.png'), fullPage: true });

    const { rows } = await sql.query(
      `SELECT t.status, t.closure_reason FROM complaint c JOIN callback_task t ON t.id = c.task_id WHERE c.id = $1`,
      [complaintId],
    );
    expect(rows[0]).toEqual({ status: 'closed', closure_reason: 'complaint_resolved' });
    const answers = await sql.query(
      `SELECT count(*)::int AS n FROM message WHERE purpose = 'complaint_answer'`,
    );
    expect(answers.rows[0].n).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the dashboard draws its charts from the demo data without script or CSP errors (desktop and phone)', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, context, errors } = await signIn('expert', viewport);
      await page.goto(`${api.baseUrl}/console/dashboard`);
      expect(await page.locator('canvas[data-chart]').count()).toBe(10);
      // Chart.js ran: every canvas got a drawing size.
      await page.waitForFunction(
        `[...document.querySelectorAll('canvas')].every((c) => c.width > 0 && c.height > 0)`,
      );
      expect(await page.locator('[data-testid=kpi-csi] b').innerText()).toMatch(/^\d\.\d{1,2}$/);
      expect(await page.locator('[data-testid=trend-table] tbody tr').count()).toBeGreaterThanOrEqual(12);
      await page.screenshot({
        path: join(ARTIFACTS, `console-dashboard-${viewport.width}.png`),
        fullPage: true,
      });
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('compliance filters the register, finds the complaint and downloads the CSV; the export is audited', async () => {
    const { page, context, errors } = await signIn('compliance');
    expect(await navigation(page)).toEqual(['Complaints', 'Dashboard', 'Answers', 'Audit log']);
    await page.selectOption('[data-testid=register-filters] select[name=classification]', 'justified');
    await Promise.all([
      page.waitForURL(/classification=justified/),
      page.click('[data-testid=register-filters] button'),
    ]);
    const table = await page.locator('[data-testid=register-table]').innerText();
    expect(table).toContain(registerNo);
    await page.screenshot({ path: join(ARTIFACTS, 'console-register-desktop.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-csv]'),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(registerNo);
    expect(csv).toContain('Charged twice for one repayment');

    await page.goto(`${api.baseUrl}/console/audit?action=complaint_register.exported`);
    expect(await page.locator('[data-testid=audit-table] tbody tr').count()).toBe(1);
    expect(errors).toEqual([]);
    expect((await page.goto(`${api.baseUrl}/console/queue`))!.status()).toBe(403);
    await context.close();
  });

  it('an expert registers a regulator complaint by hand in Russian on a phone: a refused form keeps what was typed, the work list and the navigation count it', async () => {
    const { page, context, errors } = await signIn('expert', PHONE);
    await page.click('form[action="/console/preferences"] button');
    const intake = await page.goto(`${api.baseUrl}/console/complaints/new`);
    if (intake!.status() !== 200) throw new Error((await page.content()).slice(0, 3000));
    await page.selectOption('[data-testid=intake-form] select[name=channel]', 'regulator');
    await page.fill('[data-testid=intake-form] input[name=receivedAt]', '2026-11-17T16:40');
    await page.fill('[data-testid=intake-form] input[name=borrowerName]', 'Елена Письмова');
    await page.fill('[data-testid=intake-form] input[name=borrowerPhone]', '+79995550101');
    await page.selectOption('[data-testid=intake-form] select[name=category]', 'collection_conduct');
    await page.fill('[data-testid=intake-form] textarea[name=substance]', 'Коллектор звонил родственникам');
    // No reference: refused, and nothing typed is lost.
    await page.click('[data-testid=intake-form] button');
    // In the reader's words: the field by its label, the rule in Russian.
    expect(await page.locator('[data-testid=form-error]').innerText()).toContain(
      'Номер обращения у регулятора обязателен',
    );
    expect(await page.inputValue('[data-testid=intake-form] textarea[name=substance]')).toBe(
      'Коллектор звонил родственникам',
    );
    expect(await page.inputValue('[data-testid=intake-form] input[name=borrowerName]')).toBe(
      'Елена Письмова',
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'console-complaint-intake-refused-phone-ru.png'),
      fullPage: true,
    });
    await page.fill('[data-testid=intake-form] input[name=regulatorRef]', 'ОГ-2026-118734');
    await page.fill('[data-testid=intake-form] input[name=regulatorDueAt]', '2026-11-20');
    await Promise.all([
      page.waitForURL(/notice=complaint_registered/),
      page.click('[data-testid=intake-form] button'),
    ]);
    const heading = await page.locator('h1').innerText();
    expect(heading).toMatch(/^Жалоба № 2026-\d{6}$/);
    const page1 = await page.locator('main').innerText();
    expect(page1).toContain('Елена Письмова');
    expect(page1).toContain('Регулятор · ОГ-2026-118734');
    await page.screenshot({ path: join(ARTIFACTS, 'console-complaint-intake-phone-ru.png'), fullPage: true });

    // Due 20 November (the regulator's date), two working days from Wednesday 18th: due soon.
    await page.goto(`${api.baseUrl}/console/complaints/work?view=due_soon`);
    expect(await page.locator('[data-testid=work-table]').innerText()).toContain(
      heading.replace('Жалоба № ', ''),
    );
    expect(Number(await page.locator('[data-testid=nav-due-soon]').innerText())).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(ARTIFACTS, 'console-work-list-phone-ru.png'), fullPage: true });
    // The refused form's 422 is the only thing the browser reports.
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
    await context.close();
  });

  it('the register of record end to end: a letter with its scan, the regulator complaint warned about, reviewed against a lender-edited criterion, resolved, reopened, its action tracked to done, and the filtered register downloaded in codes and in Russian', async () => {
    // An admin adds a criterion of the lender's own.
    const admin = await signIn('admin');
    await admin.page.goto(`${api.baseUrl}/console/admin/criteria`);
    const newRow = admin.page.locator('[data-testid=criteria-form] tbody tr').last();
    await newRow.locator('input[name=ru]').fill('Коллектор звонил третьим лицам');
    await newRow.locator('input[name=en]').fill('The collector called third parties');
    await Promise.all([
      admin.page.waitForURL(/notice=criteria_saved/),
      admin.page.click('[data-testid=criteria-form] button'),
    ]);
    expect(admin.errors).toEqual([]);
    await admin.context.close();

    // The morning email warns the expert about the regulator's complaint, due in two working days.
    expect(await api.app.get(SendDeadlineDigests).execute()).toBeGreaterThan(0);
    const [digest] = (
      await sql.query(`SELECT body_text FROM message WHERE purpose = 'deadline_digest' AND recipient = $1`, [
        demo.logins.find((l) => l.role === 'expert')!.email,
      ])
    ).rows;
    const regulatorNo = (
      await sql.query(`SELECT register_no FROM complaint WHERE regulator_ref = 'ОГ-2026-118734'`)
    ).rows[0].register_no as string;
    expect(digest.body_text).toContain(`№ ${regulatorNo}`);

    const { page, context, errors } = await signIn('expert');
    // A letter with its scan, registered by hand.
    await page.goto(`${api.baseUrl}/console/complaints/new`);
    await page.selectOption('[data-testid=intake-form] select[name=channel]', 'letter');
    await page.fill('[data-testid=intake-form] input[name=receivedAt]', '2026-11-16T10:00');
    await page.fill('[data-testid=intake-form] input[name=borrowerName]', 'Ольга Письменная');
    await page.fill('[data-testid=intake-form] input[name=borrowerEmail]', 'olga@example.ru');
    await page.fill(
      '[data-testid=intake-form] textarea[name=substance]',
      'Письмо: прошу вернуть двойное списание',
    );
    await page.setInputFiles('[data-testid=intake-form] input[name=attachments]', {
      name: 'скан письма.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 0x20), Buffer.from('%%EOF')]),
    });
    await Promise.all([
      page.waitForURL(/notice=complaint_registered/),
      page.click('[data-testid=intake-form] button'),
    ]);
    expect(await page.locator('[data-testid=attachments]').innerText()).toContain('скан письма.pdf');
    const letterNo = (await page.locator('h1').innerText()).split('№ ')[1]!;
    expect(Number(letterNo.split('-')[1])).toBe(Number(regulatorNo.split('-')[1]) + 1);

    // The regulator's complaint: assigned, reviewed against the new criterion, resolved, reopened.
    await page.goto(`${api.baseUrl}/console/complaints/work?view=due_soon`);
    await Promise.all([
      page.waitForURL(/\/console\/complaints\/[0-9a-f-]{36}$/),
      page.click(`a:has-text("${regulatorNo}")`),
    ]);
    await page.selectOption('[data-testid=assign-form] select[name=assigneeId]', { label: 'Egor Expert' });
    await Promise.all([page.waitForURL(/notice=assigned/), page.click('[data-testid=assign-form] button')]);
    await page.check('[data-testid=review-form] label:has-text("Коллектор звонил третьим лицам") input');
    await page.check('[data-testid=review-form] input[value=justified]');
    await page.fill('[data-testid=review-form] textarea[name=rootCause]', 'Коллектор нарушил регламент');
    await page.selectOption('[data-testid=review-form] select[name=responseType]', 'accept_with_redress');
    await page.fill('[data-testid=review-form] textarea[name=correctiveAction]', 'Обучение коллекторов');
    await page.fill('[data-testid=review-form] input[name=correctiveActionOwner]', 'Руководитель взыскания');
    await page.fill('[data-testid=review-form] input[name=correctiveActionDueAt]', '2026-12-15');
    await Promise.all([page.waitForURL(/notice=reviewed/), page.click('[data-testid=review-form] button')]);
    await page.fill(
      '[data-testid=resolve-form] textarea[name=resolution]',
      'Звонки третьим лицам прекращены.',
    );
    await Promise.all([page.waitForURL(/notice=resolved/), page.click('[data-testid=resolve-form] button')]);
    await page.click('[data-testid=reopen-form] >> xpath=..//summary');
    await page.fill('[data-testid=reopen-form] textarea[name=reason]', 'Регулятор запросил повторно');
    await Promise.all([page.waitForURL(/notice=reopened/), page.click('[data-testid=reopen-form] button')]);
    expect(await page.locator('[data-testid=complaint-status]').innerText()).toBe('Зарегистрирована');
    // The corrective action goes on to done, whatever the complaint's state.
    await page.selectOption('[data-testid=action-form] select[name=status]', 'in_progress');
    await Promise.all([
      page.waitForURL(/notice=action_changed/),
      page.click('[data-testid=action-form] button'),
    ]);
    await page.selectOption('[data-testid=action-form] select[name=status]', 'done');
    await page.fill('[data-testid=action-form] textarea[name=note]', 'Обучение проведено');
    await Promise.all([
      page.waitForURL(/notice=action_changed/),
      page.click('[data-testid=action-form] button'),
    ]);
    expect(await page.locator('[data-testid=corrective-action]').innerText()).toContain('Выполнено');
    await page.screenshot({
      path: join(ARTIFACTS, 'console-complaint-reopened-desktop-ru.png'),
      fullPage: true,
    });
    // Resolved again for the register.
    await page.check('[data-testid=review-form] input[value=justified]');
    await Promise.all([page.waitForURL(/notice=reviewed/), page.click('[data-testid=review-form] button')]);
    await page.fill(
      '[data-testid=resolve-form] textarea[name=resolution]',
      'Ответ регулятору направлен повторно.',
    );
    await Promise.all([page.waitForURL(/notice=resolved/), page.click('[data-testid=resolve-form] button')]);
    expect(errors).toEqual([]);
    await context.close();

    // Compliance: justified complaints from the regulator, on screen and in the files.
    const officer = await signIn('compliance');
    await officer.page.goto(
      `${api.baseUrl}/console/complaints?from=2026-08-01&to=2026-11-18&classification=justified&channel=regulator`,
    );
    const onScreen = await officer.page.locator('[data-testid=register-table] tbody tr').count();
    expect(onScreen).toBeGreaterThanOrEqual(1);
    expect(await officer.page.locator('[data-testid=register-table]').innerText()).toContain(regulatorNo);
    const download = async () => {
      const [file] = await Promise.all([
        officer.page.waitForEvent('download'),
        officer.page.click('[data-testid=export-csv]'),
      ]);
      return readFileSync((await file.path())!, 'utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
    };
    const english = await download();
    expect(english[0]!.startsWith('register_no,registered_at,received_via')).toBe(true);
    expect(english).toHaveLength(onScreen + 1);
    expect(
      english.slice(1).every((line) => line.includes(',regulator,') && line.includes(',justified,')),
    ).toBe(true);
    await officer.page.click('header button:has-text("Русский")');
    await officer.page.waitForLoadState('load');
    const russian = await download();
    expect(russian[0]!.startsWith('№ в реестре,Дата регистрации,Канал поступления')).toBe(true);
    expect(russian).toHaveLength(onScreen + 1);
    expect(
      russian.slice(1).every((line) => line.includes(',Регулятор,') && line.includes(',Обоснованная,')),
    ).toBe(true);
    await officer.page.screenshot({
      path: join(ARTIFACTS, 'console-register-filtered-ru.png'),
      fullPage: true,
    });
    await officer.page.click('header button:has-text("English")');
    expect(officer.errors).toEqual([]);
    await officer.context.close();
  });

  it('an admin creates an API key that works, and edits a survey text that the preview shows', async () => {
    const { page, context, errors } = await signIn('admin');
    await page.goto(`${api.baseUrl}/console/admin/api-keys`);
    await page.fill('[data-testid=api-key-form] input[name=name]', 'CRM integration');
    await page.check('[data-testid=api-key-form] input[value="events:write"]');
    await page.click('[data-testid=api-key-form] button');
    const secret = await page.locator('[data-testid=new-secret]').innerText();
    expect(secret).toMatch(/^rsn_/);
    const current = await fetch(`${api.baseUrl}/api/v1/api-keys/current`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(current.status).toBe(200);
    expect(await current.json()).toMatchObject({ name: 'CRM integration', scopes: ['events:write'] });
    // Reloading never shows the secret again.
    await page.goto(`${api.baseUrl}/console/admin/api-keys`);
    expect(await page.locator('[data-testid=new-secret]').count()).toBe(0);

    await page.goto(`${api.baseUrl}/console/admin/surveys/csi_service`);
    await page.fill(
      '[data-testid=survey-form] textarea[name=q0_en]',
      'How well did we sort out your question today?',
    );
    await Promise.all([
      page.waitForURL(/notice=survey_revised/),
      page.click('[data-testid=survey-form] button'),
    ]);
    expect(await page.locator('h1 + .badge').innerText()).toBe('CSI · Version 2');
    expect(await page.locator('[data-testid=email-preview-en]').textContent()).toContain(
      'How well did we sort out your question today?',
    );
    const frame = page.frameLocator('[data-testid=email-frame-en]');
    expect(await frame.locator('body').innerText()).toContain(
      'How well did we sort out your question today?',
    );
    expect(await page.locator('[data-testid=sms-preview-ru]').innerText()).toContain('Деньги Сразу');
    await page.screenshot({ path: join(ARTIFACTS, 'console-admin-survey-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('switches an agent to Russian and keeps it across sessions', async () => {
    const { page, context } = await signIn('agent', PHONE);
    await page.click('header button:has-text("Русский")');
    await page.waitForLoadState('load');
    expect(await page.locator('h1').innerText()).toBe('Очередь обратных звонков');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    await page.screenshot({ path: join(ARTIFACTS, 'console-queue-phone-ru.png'), fullPage: true });
    await context.close();
    const again = await signIn('agent', PHONE);
    expect(await again.page.locator('h1').innerText()).toBe('Очередь обратных звонков');
    await again.page.click('header button:has-text("English")');
    await again.context.close();
  });
});
