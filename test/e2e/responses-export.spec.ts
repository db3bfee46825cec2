import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { DemoDataService } from '@app/demo';
import { ApiKeyService } from '@app/identity';
import { RunningApi, startTestApi } from '../support/api-app';
import { parseCsv } from '../support/csv';
import { request } from '../support/http';

const HEADER =
  'response_id,answered_at,survey,kind,score,answers,comment,tags,category,touchpoint,channel,product,segment,operator,borrower_external_id,event_external_id,campaign,invitation_id,callback_task_id,complaint_register_no';

/** `GET /api/v1/responses/export`: the explorer's rows as a file, through the register's export machinery. */
describe('the responses export', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let key: string;
  let operator: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await api.app.get(DemoDataService).seedDemo();
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'bi', scopes: ['responses:read'] }))
      .secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    // The operator with the most low chat answers in the demo's history.
    operator = (
      await sql.query(
        `SELECT e.agent_ref FROM response r JOIN invitation i ON i.id = r.invitation_id
           JOIN contact_event e ON e.id = i.contact_event_id
          WHERE r.low AND r.touchpoint = 'chat' AND e.agent_ref IS NOT NULL
          GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
      )
    ).rows[0].agent_ref;
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const download = (query: string, auth = key) =>
    fetch(`${api.baseUrl}/api/v1/responses/export?${query}`, {
      headers: { authorization: `Bearer ${auth}` },
    });
  /** The file's text with its BOM kept (Response.text() drops it). */
  const textOf = async (response: Response) =>
    new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
  const count = (action: string) =>
    sql
      .query(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1`, [action])
      .then((r) => r.rows[0].n as number);

  async function listed(query: string): Promise<{ id: string; comment: string | null }[]> {
    const items: { id: string; comment: string | null }[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: {
        status: number;
        body: { items: { id: string; comment: string | null }[]; nextCursor: string | null };
      } = await request<{
        items: { id: string; comment: string | null }[];
        nextCursor: string | null;
      }>(
        `${api.baseUrl}/api/v1/responses?${query}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: { authorization: `Bearer ${key}` } },
      );
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    return items;
  }

  it('exports exactly the answers the explorer lists for low chat answers of one operator, in its order, audited with the row count', async () => {
    const filters = `from=2026-06-01&to=2026-11-18&low=true&touchpoint=chat&operator=${encodeURIComponent(operator)}`;
    const expected = await listed(filters);
    expect(expected.length).toBeGreaterThan(0);
    const response = await download(`${filters}&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="responses_2026-06-01_2026-11-18.csv"',
    );
    const text = await textOf(response);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header!.join(',')).toBe(HEADER);
    const column = (name: string) => header!.indexOf(name);
    expect(rows.map((r) => r[column('response_id')])).toEqual(expected.map((i) => i.id));
    expect(rows.every((r) => r[column('operator')] === operator && r[column('touchpoint')] === 'chat')).toBe(
      true,
    );
    const { rows: audit } = await sql.query(
      `SELECT actor_type, details FROM audit_log WHERE action = 'responses.exported' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit[0].actor_type).toBe('api_key');
    expect(audit[0].details).toMatchObject({
      rows: expected.length,
      completed: true,
      format: 'csv',
      filters: { low: 'true', touchpoint: 'chat', operator },
    });
    for (const item of expected)
      if (item.comment) expect(JSON.stringify(audit[0].details)).not.toContain(item.comment);
  });

  it('writes XLSX with the same rows, the score as a number and the answer date as a date', async () => {
    const filters = `from=2026-06-01&to=2026-11-18&low=true&touchpoint=chat&operator=${encodeURIComponent(operator)}`;
    const expected = await listed(filters);
    const response = await download(`${filters}&format=xlsx`);
    expect(response.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe('Responses');
    expect((sheet.getRow(1).values as string[]).slice(1).join(',')).toBe(HEADER);
    const ids: string[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      ids.push(row.getCell(1).value as string);
      expect(typeof row.getCell(5).value).toBe('number');
      expect(row.getCell(2).value).toBeInstanceOf(Date);
    });
    expect(ids).toEqual(expected.map((i) => i.id));
  });

  it('neutralises a comment that starts like a formula', async () => {
    const { rows } = await sql.query(
      `UPDATE response SET comment = '=HYPERLINK("http://evil.example","x")'
        WHERE id = (SELECT id FROM response WHERE comment IS NOT NULL ORDER BY submitted_at DESC LIMIT 1)
        RETURNING id`,
    );
    const id = rows[0].id as string;
    const text = await textOf(await download('format=csv&hasComment=true'));
    const [header, ...lines] = parseCsv(text.slice(1));
    const line = lines.find((l) => l[0] === id)!;
    expect(line[header!.indexOf('comment')]).toBe(`'=HYPERLINK("http://evil.example","x")`);
  });

  it('speaks Russian with lang=ru: column titles and the codes’ words', async () => {
    const text = await textOf(await download('format=csv&lang=ru&touchpoint=chat&channel=sms'));
    const [header, first] = parseCsv(text.slice(1));
    expect(header!.slice(0, 4)).toEqual(['Ответ', 'Дата ответа', 'Опрос', 'Метрика']);
    expect(header).toHaveLength(HEADER.split(',').length);
    expect(first![header!.indexOf('Точка контакта')]).toBe('Чат');
    expect(first![header!.indexOf('Канал')]).toBe('SMS');
  });

  it('refuses bad filters, formats and unknown parameters with 400 before anything is written or audited', async () => {
    const before = [await count('responses.exported'), await count('responses.export_refused')];
    for (const [query, path] of [
      ['format=pdf', 'format'],
      ['lang=de', 'lang'],
      ['from=2026-11-10&to=2026-11-01', 'to'],
      ['from=2020-01-01&to=2026-11-01', 'to'],
      ['kind=XYZ', 'kind'],
      ['low=maybe', 'low'],
      ['limit=10', 'limit'],
      ['cursor=AAAA', 'cursor'],
      ['sort=score', 'sort'],
      [`operator=${'x'.repeat(101)}`, 'operator'],
    ]) {
      const answer = await request<{ code: string; errors: { path: string }[] }>(
        `${api.baseUrl}/api/v1/responses/export?${query}`,
        { headers: { authorization: `Bearer ${key}` } },
      );
      expect([query, answer.status, answer.body.code]).toEqual([query, 400, 'validation_failed']);
      expect(answer.body.errors.map((e) => e.path)).toContain(path);
    }
    expect([await count('responses.exported'), await count('responses.export_refused')]).toEqual(before);
  });

  it('needs responses:read, or a console session of an expert, compliance officer or admin', async () => {
    const other = (
      await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'metrics', scopes: ['metrics:read'] })
    ).secret;
    expect((await download('format=csv', other)).status).toBe(403);
    expect((await download('format=csv', 'not-a-key')).status).toBe(401);
    expect((await fetch(`${api.baseUrl}/api/v1/responses/export`)).status).toBe(401);
  });

  it('shares the bounded export pool: of 60 at once every 200 is a whole, audited file and the rest are 429/503 with Retry-After, audited too', async () => {
    const keys = await Promise.all(
      Array.from(
        { length: 3 },
        async (_, i) =>
          (
            await api.app
              .get(ApiKeyService)
              .create(SYSTEM_ACTOR, { name: `storm-${i}`, scopes: ['responses:read'] })
          ).secret,
      ),
    );
    const before = [await count('responses.exported'), await count('responses.export_refused')];
    const results = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const response = await download('format=xlsx', keys[i % keys.length]);
        const body = Buffer.from(await response.arrayBuffer());
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
      }),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of ok) expect(r.body.subarray(-22).readUInt32LE(0)).toBe(0x06054b50);
    for (const r of refused) {
      expect([429, 503]).toContain(r.status);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
    expect((await count('responses.exported')) - before[0]!).toBe(ok.length);
    expect((await count('responses.export_refused')) - before[1]!).toBe(refused.length);
  });
});
