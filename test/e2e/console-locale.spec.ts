import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { RunningApi, startTestApi } from '../support/api-app';
import { launchBrowser } from '../support/browser';
import { ConsoleClient } from '../support/console-client';
import { PROJECT_ROOT } from '../support/process';

const LENDER = 'Деньги Сразу';
const ROLES = ['agent', 'expert', 'compliance', 'admin'] as const;
// Addresses that are not pages: files, downloads, leaving.
const NOT_A_PAGE = /\/(assets|logout|export|attachments)\b|\.(csv|xlsx)\b|[?&]format=/;
const PAGES_PER_ROLE = 150;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');

/**
 * Latin words a Russian page may carry: the ones the Russian locale itself uses (Resonance, NPS, SMS,
 * Email, CSV…). Anything else in Latin letters is English (or a code) that escaped translation.
 */
const ALLOWED = new Set(
  Object.entries(
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'templates', 'locales', 'ru.json'), 'utf8')) as Record<
      string,
      string
    >,
  )
    .filter(([key]) => key.startsWith('console.'))
    .flatMap(([, value]) => value.match(/[A-Za-z]{3,}/g) ?? []),
);

/** Russian words in the English console's text (names and data are marked and left out before). */
export function cyrillicWords(text: string): string[] {
  // The lender's name is its own, in any language (it is in the English SMS text, too).
  return [...new Set(text.replaceAll(LENDER, ' ').match(/[А-Яа-яЁё]+/g) ?? [])];
}

/** English words in a page's text, after what is not language (addresses, emails, the lender's name) is removed. */
export function foreignWords(text: string): string[] {
  const cleaned = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[\w.+-]+@[\w.-]+/g, ' ')
    .replace(/\/console\S*/g, ' ');
  return [
    ...new Set(
      (cleaned.match(/[A-Za-z]+(?:[_-][A-Za-z]+)*/g) ?? []).filter((w) => w.length >= 3 && !ALLOWED.has(w)),
    ),
  ];
}

const pattern = (url: string) =>
  url
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')
    .replace(/\d{4}-\d{6}/g, ':no')
    .replace(/=[^&]*/g, '=');

function links(html: string): string[] {
  return [...html.matchAll(/href="(\/console[^"#]*)"/g)]
    .map((m) => m[1]!.replace(/&amp;/g, '&'))
    .filter((href) => !NOT_A_PAGE.test(href));
}

interface PostForm {
  action: string;
  fields: { name: string; value: string; visible: boolean }[];
}

/** The console's POST forms on a page, with their fields as the browser would send them. */
function postForms(html: string): PostForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)]
    .filter(([, attrs]) => /method="post"/i.test(attrs!))
    .map(([, attrs, body]) => ({
      action: (/action="([^"]*)"/.exec(attrs!)?.[1] ?? '').replace(/&amp;/g, '&'),
      fields: [
        ...[...body!.matchAll(/<input\b([^>]*)>/g)].map(([, a]) => ({
          name: /name="([^"]*)"/.exec(a!)?.[1] ?? '',
          value: /value="([^"]*)"/.exec(a!)?.[1] ?? '',
          visible: !/type="(hidden|submit|button|checkbox|radio|file)"/.test(a!),
        })),
        ...[...body!.matchAll(/<textarea\b([^>]*)>/g)].map(([, a]) => ({
          name: /name="([^"]*)"/.exec(a!)?.[1] ?? '',
          value: '',
          visible: true,
        })),
        // A list keeps its chosen (or first) option, as in the browser: the user cannot empty it.
        ...[...body!.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)].map(([, a, options]) => ({
          name: /name="([^"]*)"/.exec(a!)?.[1] ?? '',
          value:
            /<option[^>]*value="([^"]*)"[^>]*selected/.exec(options!)?.[1] ??
            /<option[^>]*value="([^"]*)"/.exec(options!)?.[1] ??
            '',
          visible: false,
        })),
      ].filter((f) => f.name !== ''),
    }))
    .filter((form) => form.action.startsWith('/console') && !NOT_A_PAGE.test(form.action));
}

/**
 * What a reader of the page sees, measured in the browser: its text (and the words of placeholders,
 * titles, labels and buttons), leaving out what is marked as not to be translated (`translate="no"`:
 * names, identifiers) or written in another language (`lang="en"`: a survey's English texts); and
 * whether the page is wider than the window.
 */
async function reading(
  page: Page,
  locale: 'ru' | 'en',
): Promise<{ text: string; overflow: number; clipped: string[] }> {
  return page.evaluate(`(() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('[translate="no"], [lang]:not([lang="${locale}"]), script, style, template').forEach((e) => e.remove());
    const words = [...body.querySelectorAll('[placeholder], [title], [aria-label], [alt], input[type=submit]')].flatMap((e) =>
      ['placeholder', 'title', 'aria-label', 'alt'].map((a) => e.getAttribute(a) ?? '')
        .concat(e.matches('input[type=submit]') ? [e.value] : []),
    );
    body.style.position = 'absolute';
    document.documentElement.appendChild(body);
    const text = body.innerText;
    body.remove();
    // A box whose content runs past its edge (a navigation scrolled sideways, a table cut off) hides
    // part of the page as surely as a page wider than the window. Form controls scroll their own text.
    const clipped = [...document.body.querySelectorAll('*')]
      .filter((e) => !e.matches('input, select, textarea, option, canvas, iframe') && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
      .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
    return {
      text: [text, ...words].join(' '),
      overflow: Math.max(document.documentElement.scrollWidth - window.innerWidth, clipped.length ? 1 : 0),
      clipped,
    };
  })()`);
}

describe('the console speaks its reader’s language on every page: Russian on a phone, English on a desktop', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let demo: DemoCredentials;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startTestApi({ clock, env: { LENDER_NAME: LENDER } });
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

  async function signedIn(
    role: string,
    locale: 'ru' | 'en',
  ): Promise<{ client: ConsoleClient; page: Page; context: BrowserContext }> {
    const login = demo.logins.find((l) => l.role === role)!;
    await sql.query(`UPDATE staff_user SET locale = $1 WHERE email = $2`, [locale, login.email]);
    const client = new ConsoleClient(api.baseUrl);
    const { status } = await client.signIn(login.email, login.password);
    expect(status).toBe(303);
    const context = await browser.newContext({
      viewport: locale === 'ru' ? PHONE : DESKTOP,
      locale: locale === 'ru' ? 'ru-RU' : 'en-GB',
    });
    await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: api.baseUrl })));
    return { client, page: await context.newPage(), context };
  }

  it('finds foreign words only where there are none to find', () => {
    expect(foreignWords('Очередь NPS 5 · user@x.ru /console/queue')).toEqual([]);
    expect(foreignWords('The task: csi_service, demo-b-0045')).toEqual([
      'The',
      'task',
      'csi_service',
      'demo-b',
    ]);
  });

  it.each(ROLES.flatMap((role) => (['ru', 'en'] as const).map((locale) => [role, locale] as const)))(
    'every page the %s reaches, and every refusal its forms give, reads in %s and fits the window',
    async (role, locale) => {
      const { client, page, context } = await signedIn(role, locale);
      const width = locale === 'ru' ? PHONE.width : DESKTOP.width;
      const seen = new Set<string>();
      const queue = ['/console'];
      const forms = new Map<string, PostForm>();
      const foreign: { url: string; words: string[] }[] = [];
      const wide: { url: string; overflow: number; clipped: string[] }[] = [];
      const broken: string[] = [];
      const look = async (url: string) => {
        const { text, overflow, clipped } = await reading(page, locale);
        const words = locale === 'ru' ? foreignWords(text) : cyrillicWords(text);
        if (words.length > 0) foreign.push({ url, words });
        if (overflow > 0) wide.push({ url, overflow, clipped });
      };
      let pages = 0;
      while (queue.length > 0 && pages < PAGES_PER_ROLE) {
        const url = queue.shift()!;
        if (seen.has(pattern(url))) continue;
        seen.add(pattern(url));
        const answer = await page.goto(`${api.baseUrl}${url}`);
        if (!(answer?.headers()['content-type'] ?? '').startsWith('text/html')) continue;
        if (answer!.status() !== 200) broken.push(`${answer!.status()} ${url}`);
        pages += 1;
        await look(url);
        // Every page as the reader sees it on the phone, for a person to look at (test/artifacts).
        await page.screenshot({
          path: join(
            ARTIFACTS,
            `walk-${locale}-${width}-${role}-${pattern(url).replace(/[^a-z0-9]+/gi, '-')}.png`,
          ),
          fullPage: true,
        });
        const html = await page.content();
        queue.push(...links(html));
        for (const form of postForms(html))
          if (!forms.has(pattern(form.action)) && form.fields.some((f) => f.visible))
            forms.set(pattern(form.action), form);
      }
      // Every role's pages (the agent's are few: the queue, a task, the intake form, the profile).
      expect(pages).toBeGreaterThan(role === 'agent' ? 4 : 10);
      if (role === 'admin') expect(forms.size).toBeGreaterThan(8);

      // Each form sent with every field the user types into left empty: the refusal reads the same way.
      await client.get('/console/profile');
      for (const form of forms.values()) {
        const body: Record<string, string[]> = {};
        for (const f of form.fields) (body[f.name] ??= []).push(f.visible ? '' : f.value);
        if ('_csrf' in body) body._csrf = [client.csrf];
        const answer = await client.post(form.action, body);
        if (answer.status === 303) continue;
        expect(answer.status).toBeLessThan(500);
        await page.goto(`${api.baseUrl}/console/profile`);
        await page.setContent(answer.text);
        await look(`POST ${form.action}`);
      }

      // A page that does not exist and one the role does not open.
      for (const url of [
        '/console/no-such-page/',
        role === 'admin' ? '/console/nothing' : '/console/admin/users',
      ]) {
        const answer = await page.goto(`${api.baseUrl}${url}`);
        expect([403, 404]).toContain(answer?.status());
        await look(url);
      }
      await context.close();
      expect(broken).toEqual([]);
      expect(foreign).toEqual([]);
      expect(wide).toEqual([]);
    },
  );
});
