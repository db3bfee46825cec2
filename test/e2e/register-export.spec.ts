import ExcelJS from 'exceljs';
import { PassThrough, Writable } from 'node:stream';
import { Client } from 'pg';
import { Actor, SYSTEM_ACTOR } from '@app/audit';
import { CallbackWorkflow } from '@app/callbacks';
import { ComplaintWorkflow, REGISTER_COLUMNS, RegisterExport } from '@app/complaints';
import { FixedClock } from '@app/core';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { seedTasks } from '../factories/low-scores';
import { RunningApi, startTestApi } from '../support/api-app';

// Friday 20 November 2026, 23:30 in Moscow = 20:30Z: the register date is the 20th in the lender's zone.
const NOW = new Date('2026-11-20T20:30:00Z');
const HEADER =
  'register_no,registered_at,received_via,touchpoint,product,borrower_external_id,borrower_name,survey,score,comment,category,substance,status,classification,root_cause,response_type,redress,resolution,corrective_action,handled_by,reviewed_by,due_at,extended_due_at,resolved_at,on_time,event_external_id,received_at,regulator_ref,criteria_met,corrective_action_owner,corrective_action_due_at,corrective_action_status,extension_reason';

describe('complaint register export', () => {
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let sql: Client;
  let exporter: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    exporter = (
      await api.app
        .get(ApiKeyService)
        .create(SYSTEM_ACTOR, { name: 'compliance', scopes: ['complaints:export'] })
    ).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const users = api.app.get(StaffUserService);
    const agent: Actor = {
      type: 'staff',
      id: (
        await users.create(SYSTEM_ACTOR, {
          email: 'a@l.test',
          name: 'Анна Агентова',
          role: 'agent',
          password: 'long-enough-password',
        })
      ).id,
      role: 'agent',
    };
    const expert: Actor = {
      type: 'staff',
      id: (
        await users.create(SYSTEM_ACTOR, {
          email: 'e@l.test',
          name: 'Егор Экспертов',
          role: 'expert',
          password: 'long-enough-password',
        })
      ).id,
      role: 'expert',
    };
    const ids = await seedTasks(api.db.url, 3, { assigneeId: agent.id });
    await sql.query(
      `UPDATE response SET comment = $1 WHERE id = (SELECT response_id FROM callback_task WHERE id = $2)`,
      ['=HYPERLINK("http://evil.example","click"), "quoted", line\nbreak', ids[0]],
    );
    await sql.query(`UPDATE borrower SET name = '@Иванов, Иван' WHERE external_id LIKE 'seed-%'`);
    const callbacks = api.app.get(CallbackWorkflow);
    const complaints = api.app.get(ComplaintWorkflow);
    for (const [i, id] of ids.entries()) {
      const reached = await callbacks.logAttempt(agent, id, 1, { result: 'reached' });
      const c = await complaints.register(agent, id, reached.version, {
        substance: i === 1 ? '+7 999 звонили ночью' : 'Двойное списание',
      });
      if (i === 0) {
        const r = await complaints.review(expert, c.id, c.version, {
          criteria: ['calculation_error'],
          classification: 'justified',
          rootCause: 'Шлюз',
          responseType: 'accept_with_redress',
          correctiveAction: 'Идемпотентность',
          correctiveActionOwner: 'Payments',
        });
        await complaints.resolve(expert, r.id, r.version, { resolution: 'Возврат' });
      }
    }
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
  });

  const fetchRegister = (query: string, key = exporter) =>
    fetch(`${api.baseUrl}/api/v1/complaints/register?${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });

  it('streams CSV: BOM, the contract header, RFC 4180 quoting, formula guard, lender-zone dates; audited with the row count', async () => {
    const response = await fetchRegister('from=2026-11-20&to=2026-11-20&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="complaint-register_2026-11-20_2026-11-20.csv"',
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(HEADER);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), ""quoted"", line\nbreak"`);
    expect(text).toContain(`"'@Иванов, Иван"`);
    expect(text).toContain(`'+7 999 звонили ночью`);
    expect(text).toMatch(/2026-000001,2026-11-20 23:30,callback,call,/);
    expect(text).toContain(',Анна Агентова,Егор Экспертов,');
    expect(text).toMatch(/,yes,seed-/);
    const audit = (
      await sql.query(
        `SELECT actor_type, details FROM audit_log WHERE action = 'complaint_register.exported' ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0];
    expect(audit).toMatchObject({
      actor_type: 'api_key',
      details: { format: 'csv', rows: 3, completed: true, filters: { from: '2026-11-20', to: '2026-11-20' } },
    });
  });

  it('streams XLSX with the same columns, string and date cells, and no formulas', async () => {
    const response = await fetchRegister('from=2026-11-01&to=2026-11-30&format=xlsx');
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...REGISTER_COLUMNS]);
    expect(sheet.rowCount).toBe(4);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBe('2026-000001');
    expect(first.getCell(2).value).toEqual(new Date('2026-11-20T23:30:00Z'));
    // Dates show as dates in Excel; text cells carry no number format.
    expect(first.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(first.getCell(1).numFmt).toBeUndefined();
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    expect(first.getCell(10).value).toBe(`'=HYPERLINK("http://evil.example","click"), "quoted", line\nbreak`);
  });

  it('settles the export call once the file is written, so a CLI job can exit', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    const progress: number[] = [];
    const result = await api.app
      .get(RegisterExport)
      .export(SYSTEM_ACTOR, { from: '2026-11-01', to: '2026-11-30' }, 'csv', 'en', output, (rows) =>
        progress.push(rows),
      );
    expect(result).toEqual({ rows: 3, completed: true });
    expect(progress.at(-1)).toBe(3);
    expect(Buffer.concat(chunks).toString('utf8').split('\r\n')).toHaveLength(5);
  });

  it('records an export whose reader went away as not completed, and settles', async () => {
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback();
        this.destroy();
      },
    });
    const result = await api.app
      .get(RegisterExport)
      .export(SYSTEM_ACTOR, { from: '2026-11-01', to: '2026-11-30' }, 'xlsx', 'en', output);
    expect(result.completed).toBe(false);
    const audit = (
      await sql.query(
        `SELECT details FROM audit_log WHERE action = 'complaint_register.exported' ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0];
    expect(audit.details).toMatchObject({ format: 'xlsx', completed: false });
  });

  it('exports an empty period as the header alone', async () => {
    // As bytes: fetch's text() would drop the BOM.
    const bytes = Buffer.from(await (await fetchRegister('from=2025-01-01&to=2025-01-31')).arrayBuffer());
    expect(bytes.toString('utf8')).toBe(`\uFEFF${HEADER}\r\n`);
  });

  it('exports exactly the rows the filters on screen show: justified complaints received on a callback, none from the regulator', async () => {
    const csv = async (query: string) =>
      (await (await fetchRegister(`from=2026-11-01&to=2026-11-30&${query}`)).text())
        .trim()
        .split('\r\n')
        .slice(1);
    const justified = await csv('classification=justified&channel=callback');
    expect(justified).toHaveLength(1);
    expect(justified[0]).toContain(',justified,');
    expect(justified[0]).toContain(',calculation_error,Payments,');
    expect(await csv('classification=justified&channel=regulator')).toEqual([]);
    expect(await csv('status=registered')).toHaveLength(2);
    expect(await csv('overdue=true')).toEqual([]);
    const audit = (
      await sql.query(
        `SELECT details FROM audit_log WHERE action = 'complaint_register.exported' ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0];
    expect(audit.details).toMatchObject({ filters: { overdue: true }, rows: 0 });
  });

  it('speaks Russian with lang=ru: column titles, values and the criteria as judged', async () => {
    const text = (
      await (await fetchRegister('from=2026-11-01&to=2026-11-30&lang=ru&classification=justified')).text()
    )
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(text[0]!.split(',').slice(0, 3)).toEqual(['№ в реестре', 'Дата регистрации', 'Канал поступления']);
    expect(text[0]!.split(',')).toHaveLength(HEADER.split(',').length);
    expect(text[1]).toContain(',Обратный звонок,');
    expect(text[1]).toContain(',Обоснованная,');
    expect(text[1]).toContain(',Признать и компенсировать,');
    expect(text[1]).toContain(',Ошибка в расчётах или платеже,');
    expect(text[1]).toMatch(/,(да|нет),/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      Buffer.from(
        await (
          await fetchRegister('from=2026-11-01&to=2026-11-30&lang=ru&format=xlsx&classification=justified')
        ).arrayBuffer(),
      ) as unknown as ArrayBuffer,
    );
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('№ в реестре');
    expect(sheet.rowCount).toBe(2);
  });

  it.each([
    'to=2026-11-30',
    'from=2026-11-30&to=2026-11-01',
    'from=2026-02-30&to=2026-03-01',
    'from=0000-01-01&to=2026-03-01',
    'from=2026-01-01&to=0000-12-31',
    'from=yesterday&to=today',
    'from=2026-11-01&to=2026-11-30&format=pdf',
    "from=2026-11-01&to=2026-11-30&format=csv'%3B--",
    'from=2026-11-01&to=2026-11-30&sort=1',
    'from=2026-11-01&to=2026-11-30&classification=maybe',
    'from=2026-11-01&to=2026-11-30&channel=pigeon',
    'from=2026-11-01&to=2026-11-30&overdue=yes',
    'from=2026-11-01&to=2026-11-30&lang=de',
    'from=2026-11-01&to=2026-11-30&status=registered&status=resolved',
  ])('refuses %s with 400 and writes no audit row', async (query) => {
    const before = (
      await sql.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'complaint_register.exported'`)
    ).rows[0].n;
    const response = await fetchRegister(query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'validation_failed' });
    expect(
      (
        await sql.query(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'complaint_register.exported'`,
        )
      ).rows[0].n,
    ).toBe(before);
  });

  it('bounds simultaneous exports: of 150 at once every 200 is a whole, audited file and the rest are 429/503 with Retry-After, audited too', async () => {
    const keys = await Promise.all(
      Array.from(
        { length: 6 },
        async (_, i) =>
          (
            await api.app
              .get(ApiKeyService)
              .create(SYSTEM_ACTOR, { name: `storm-${i}`, scopes: ['complaints:export'] })
          ).secret,
      ),
    );
    const count = (action: string) =>
      sql
        .query(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1`, [action])
        .then((r) => r.rows[0].n as number);
    const [exportedBefore, refusedBefore] = [
      await count('complaint_register.exported'),
      await count('complaint_register.export_refused'),
    ];
    const results = await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        const response = await fetchRegister(
          'from=2026-11-01&to=2026-11-30&format=xlsx',
          keys[i % keys.length],
        );
        const body = Buffer.from(await response.arrayBuffer());
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
      }),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(4);
    expect(refused.length).toBeGreaterThan(0);
    // A whole XLSX ends with the zip's end-of-central-directory record.
    for (const r of ok) expect(r.body.subarray(-22).readUInt32LE(0)).toBe(0x06054b50);
    for (const r of refused) {
      expect([429, 503]).toContain(r.status);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
    expect((await count('complaint_register.exported')) - exportedBefore).toBe(ok.length);
    expect((await count('complaint_register.export_refused')) - refusedBefore).toBe(refused.length);
    // Nothing is left holding a slot.
    const after = await fetchRegister('from=2026-11-01&to=2026-11-30&format=csv');
    expect(after.status).toBe(200);
    await after.arrayBuffer();
  });

  it('needs the complaints:export scope', async () => {
    const reader = (
      await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'bi', scopes: ['complaints:read'] })
    ).secret;
    expect((await fetchRegister('from=2026-11-01&to=2026-11-30', reader)).status).toBe(403);
  });
});
