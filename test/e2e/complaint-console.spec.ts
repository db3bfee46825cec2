import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { StaffUserService } from '@app/identity';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(512, 1),
]);
// An ELF executable calling itself a PDF.
const EXECUTABLE = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(1024, 0)]);

describe('complaints in the console: scanned letters, the lender’s review criteria', () => {
  const clock = new FixedClock(new Date('2026-11-02T07:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let expert: ConsoleClient;
  let agent: ConsoleClient;
  let compliance: ConsoleClient;
  let admin: ConsoleClient;

  const count = async (table: string) =>
    Number((await sql.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
  const letter = (over: Record<string, string> = {}) => ({
    channel: 'letter',
    receivedAt: '2026-11-02T09:00',
    borrowerExternalId: 'b-letter',
    borrowerName: 'Ольга',
    category: 'payments',
    substance: 'Письмо о двойном списании',
    ...over,
  });

  beforeAll(async () => {
    api = await startTestApi({ clock });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const users = api.app.get(StaffUserService);
    const signedIn = async (role: 'expert' | 'agent' | 'compliance' | 'admin') => {
      await users.create(SYSTEM_ACTOR, {
        email: `${role}@lender.test`,
        name: role,
        role,
        password: 'long-enough-password',
      });
      const client = new ConsoleClient(api.baseUrl);
      await client.signIn(`${role}@lender.test`, 'long-enough-password');
      return client;
    };
    expert = await signedIn('expert');
    agent = await signedIn('agent');
    compliance = await signedIn('compliance');
    admin = await signedIn('admin');
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
  });

  it('registers a letter with its scan from the console form; the type is decided by the bytes, the name keeps the true extension', async () => {
    await agent.get('/console/complaints/new');
    const answer = await agent.upload('/console/complaints/new', letter(), [
      { field: 'attachments', name: 'скан письма.jpg', type: 'image/jpeg', data: PDF },
    ]);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toMatch(/notice=complaint_registered&no=2026-000001$/);
    const { rows } = await sql.query(
      `SELECT a.file_name, a.media_type, a.size, c.received_via FROM complaint_attachment a JOIN complaint c ON c.id = a.complaint_id`,
    );
    expect(rows).toEqual([
      {
        file_name: 'скан письма.pdf',
        media_type: 'application/pdf',
        size: PDF.length,
        received_via: 'letter',
      },
    ]);
  });

  it('serves a file only to staff, as a download, and audits every download', async () => {
    const [{ id }] = (await sql.query(`SELECT id FROM complaint_attachment`)).rows;
    const download = await fetch(`${api.baseUrl}/console/complaints/attachments/${id}`, {
      headers: { cookie: [...compliance.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="____ ______.pdf"; filename*=UTF-8''${encodeURIComponent('скан письма.pdf')}`,
    );
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
    expect(
      (
        await sql.query(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'complaint.attachment_downloaded'`,
        )
      ).rows[0].n,
    ).toBe(1);
    // An agent (who registered it) does not open the register's files; nobody signed out does.
    expect((await agent.get(`/console/complaints/attachments/${id}`)).status).toBe(403);
    expect((await new ConsoleClient(api.baseUrl).get(`/console/complaints/attachments/${id}`)).status).toBe(
      303,
    );
    expect((await compliance.get(`/console/complaints/attachments/not-a-uuid`)).status).toBe(404);
  });

  it.each([
    [
      'an executable that claims to be a PDF',
      [{ name: 'letter.pdf', type: 'application/pdf', data: EXECUTABLE }],
    ],
    [
      'a file over 10 MB',
      [
        {
          name: 'big.pdf',
          type: 'application/pdf',
          data: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]),
        },
      ],
    ],
    [
      'twenty files at once',
      Array.from({ length: 20 }, (_, i) => ({ name: `p${i}.png`, type: 'image/png', data: PNG })),
    ],
    ['an empty file', [{ name: 'empty.pdf', type: 'application/pdf', data: Buffer.alloc(0) }]],
  ])('refuses %s with 422, keeps what was typed and writes nothing', async (_, files) => {
    const complaints = await count('complaint');
    const attachments = await count('complaint_attachment');
    await expert.get('/console/complaints/new');
    const answer = await expert.upload(
      '/console/complaints/new',
      letter({ substance: 'Текст, который не должен потеряться' }),
      files.map((f) => ({ field: 'attachments', ...f })),
    );
    expect(answer.status).toBe(422);
    expect(answer.text).toContain('attachments');
    expect(answer.text).toContain('Текст, который не должен потеряться');
    expect(await count('complaint')).toBe(complaints);
    expect(await count('complaint_attachment')).toBe(attachments);
  });

  it('adds files to an existing complaint from its page, and refuses files anywhere else with 415', async () => {
    const [{ id }] = (await sql.query(`SELECT id FROM complaint`)).rows;
    await expert.get(`/console/complaints/${id}`);
    const added = await expert.upload(`/console/complaints/${id}/attachments`, {}, [
      { field: 'attachments', name: 'photo.png', type: 'image/png', data: PNG },
    ]);
    expect(added.status).toBe(303);
    const page = await expert.get(`/console/complaints/${id}`);
    expect(page.text).toContain('photo.png');
    expect(page.text).toContain('скан письма.pdf');
    const elsewhere = await expert.upload(`/console/complaints/${id}/review`, { version: '1' }, [
      { field: 'attachments', name: 'photo.png', type: 'image/png', data: PNG },
    ]);
    expect(elsewhere.status).toBe(415);
    const api415 = await fetch(`${api.baseUrl}/api/v1/complaints`, { method: 'POST', body: new FormData() });
    expect(api415.status).toBe(415);
    // Without the form's CSRF token nothing is stored.
    const before = await count('complaint_attachment');
    const forged = await expert.upload(`/console/complaints/${id}/attachments`, { _csrf: 'forged' }, [
      { field: 'attachments', name: 'x.png', type: 'image/png', data: PNG },
    ]);
    expect(forged.status).toBe(403);
    expect(await count('complaint_attachment')).toBe(before);
  });

  it('lets an admin reword, retire and add review criteria (a refused edit keeps what was typed); an expert cannot', async () => {
    const page = await admin.get('/console/admin/criteria');
    expect(page.status).toBe(200);
    const keys = [...page.text.matchAll(/name="key" value="([^"]*)"/g)].map((m) => m[1]!);
    const current = (
      await sql.query(
        `SELECT DISTINCT ON (key) key, text_en, text_ru FROM review_criterion ORDER BY key, version DESC`,
      )
    ).rows as { key: string; text_en: string; text_ru: string }[];
    const byKey = new Map(current.map((c) => [c.key, c]));
    const existing = keys.filter(Boolean);
    expect(existing).toHaveLength(9);
    const form = (
      change: (key: string) => { en: string; ru: string },
      extra: { en: string; ru: string },
    ) => ({
      key: [...existing, ''],
      en: [...existing.map((k) => change(k).en), extra.en],
      ru: [...existing.map((k) => change(k).ru), extra.ru],
      retired: ['technical_failure'],
    });
    const same = (k: string) => ({ en: byKey.get(k)!.text_en, ru: byKey.get(k)!.text_ru });
    const refused = await admin.post(
      '/console/admin/criteria',
      form(same, { en: 'Collector called third parties', ru: '' }),
    );
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Collector called third parties');
    expect(await count('review_criterion')).toBe(9);

    const saved = await admin.post(
      '/console/admin/criteria',
      form((k) => (k === 'breach_of_law' ? { en: 'The law was breached', ru: 'Нарушен закон' } : same(k)), {
        en: 'Collector called third parties',
        ru: 'Коллектор звонил третьим лицам',
      }),
    );
    expect(saved.status).toBe(303);
    const versions = (
      await sql.query(
        `SELECT key, version, retired FROM review_criterion WHERE version > 1 OR key LIKE 'criterion_%' ORDER BY key`,
      )
    ).rows;
    expect(versions).toEqual([
      { key: 'breach_of_law', version: 2, retired: false },
      { key: 'criterion_10', version: 1, retired: false },
      { key: 'technical_failure', version: 2, retired: true },
    ]);
    await expert.get('/console/queue');
    expect((await expert.post('/console/admin/criteria', form(same, { en: 'x', ru: 'x' }))).status).toBe(403);
    expect(await count('review_criterion')).toBe(12);
  });

  it('answers a mistyped console address with the console’s own 404 page in the user’s language, and serves a page with a trailing slash as without', async () => {
    const missing = await expert.get('/console/complaints/nowhere/at-all');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    expect(missing.text).toContain('Такой страницы нет');
    expect(missing.text).toContain('<nav');
    const slash = await expert.get('/console/complaints/?status=registered');
    expect(slash.status).toBe(200);
    expect(slash.text).toContain('data-testid="register-filters"');
    expect((await expert.get('/console/queue/')).status).toBe(200);
    // Signed out: the sign-in page first, coming back after.
    const stranger = await new ConsoleClient(api.baseUrl).get('/console/whatever');
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get('location')).toContain('/console/login');
  });

  it('gives a refused review back with every field as typed', async () => {
    const [{ id, version }] = (
      await sql.query(`SELECT id, version FROM complaint ORDER BY register_seq LIMIT 1`)
    ).rows;
    await expert.get(`/console/complaints/${id}`);
    // Justified without a corrective action: refused, and nothing typed is lost.
    const refused = await expert.post(`/console/complaints/${id}/review`, {
      version: String(version),
      criteria: ['calculation_error'],
      classification: 'justified',
      rootCause: 'Сбой платёжного шлюза',
      responseType: 'accept_with_redress',
      redress: 'Вернуть второе списание',
      correctiveAction: '',
      correctiveActionOwner: 'Платёжная команда',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('>Сбой платёжного шлюза</textarea>');
    expect(refused.text).toContain('>Вернуть второе списание</textarea>');
    expect(refused.text).toContain('value="Платёжная команда"');
    expect(refused.text).toMatch(/value="justified" required checked/);
    expect(refused.text).toMatch(/value="calculation_error" checked/);
    expect(refused.text).toMatch(/value="accept_with_redress" selected/);
  });

  it('finds a complaint by its register number from the search box', async () => {
    const found = await expert.get('/console/search?q=2026-000001');
    expect(found.text).toContain('data-testid="search-complaints"');
    expect(found.text).toMatch(/href="\/console\/complaints\/[0-9a-f-]{36}">№ 2026-000001/);
    expect((await compliance.get('/console/search?q=2026-000001')).text).toContain('№ 2026-000001');
  });
});
