import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { buildApps } from '../support/build';
import { cleanEnv, PROJECT_ROOT } from '../support/process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const HEADER = 'external_id,name,phone,email,locale,time_zone,product,segment';

/** Windows-1251 bytes of a text in Russian and ASCII (what Excel in Russian saves as "CSV"). */
function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const code = c.charCodeAt(0);
      if (code < 128) return code;
      if (c === 'ё') return 0xb8;
      if (c === 'Ё') return 0xa8;
      return code - 0x410 + 0xc0;
    }),
  );
}

describe('npm run cli -- campaign:import', () => {
  let build: ReturnType<typeof buildApps>;
  let db: TestDatabase;
  let sql: Client;
  let dir: string;

  beforeAll(async () => {
    build = buildApps('campaign-import');
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    dir = mkdtempSync(join(tmpdir(), 'campaign-import-'));
  });
  afterAll(async () => {
    await sql.end();
    await db.drop();
    build.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [build.entry('cli'), 'campaign:import', ...args],
        {
          cwd: PROJECT_ROOT,
          env: cleanEnv({
            DATABASE_URL: db.url,
            APP_SECRET: 'campaign-import-secret-0123456789abcdef',
            LOG_LEVEL: 'warn',
          }),
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const count = async (sqlText: string, params: unknown[] = []) =>
    Number((await sql.query(sqlText, params)).rows[0].count);

  it('lists every bad row by line and imports nothing; with --skip-bad-rows imports the rest, and a second run invites no one twice', async () => {
    const csv = file(
      'with-bad-rows.csv',
      `\uFEFF${HEADER}\r\n` +
        'c-1,Ирина,+79991110001,,ru,Europe/Moscow,PDL,repeat\r\n' +
        'c-2,Пётр,8 999 111 00 02,,ru,Europe/Moscow,PDL,new\r\n' +
        'c-3,Анна,+79991110003,,ru,Mars/Olympus,PDL,new\r\n' +
        'c-1,Ирина,+79991110001,,ru,Europe/Moscow,PDL,repeat\r\n' +
        'c-4,"Мария ""Маша""",,maria@example.ru,ru,Asia/Novosibirsk,installment,vip\r\n',
    );
    const refused = await cli('--name', 'NPS Q4', '--survey', 'nps_relationship', '--file', csv);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('3 of 5 rows cannot be imported; nothing was imported:');
    expect(refused.stderr).toContain(
      'line 3: phone must be in E.164 format: 8 999 … is a local Russian number',
    );
    expect(refused.stderr).toContain('line 4: time_zone must be an IANA time zone');
    expect(refused.stderr).toContain('line 5: external_id names a borrower already on line 2');
    expect(refused.stderr).toContain('--skip-bad-rows to import the other 2');
    expect(await count(`SELECT count(*) FROM campaign`)).toBe(0);
    expect(await count(`SELECT count(*) FROM borrower WHERE external_id LIKE 'c-%'`)).toBe(0);

    const imported = await cli(
      '--name',
      'NPS Q4',
      '--survey',
      'nps_relationship',
      '--file',
      csv,
      '--spread-days',
      '2',
      '--skip-bad-rows',
    );
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('Reading');
    expect(imported.stderr).toMatch(/Importing \[#{30}\] 2\/2 rows/);
    expect(imported.stdout).toContain('2 rows: 2 invited; 3 bad rows left out.');
    const { rows } = await sql.query(
      `SELECT b.external_id, b.name, b.segment, i.product, i.channel FROM invitation i JOIN borrower b ON b.id = i.borrower_id
        WHERE i.campaign_id IS NOT NULL ORDER BY 1`,
    );
    expect(rows).toEqual([
      { external_id: 'c-1', name: 'Ирина', segment: 'repeat', product: 'PDL', channel: 'sms' },
      { external_id: 'c-4', name: 'Мария "Маша"', segment: 'vip', product: 'installment', channel: 'email' },
    ]);

    const again = await cli(
      '--name',
      'NPS Q4',
      '--survey',
      'nps_relationship',
      '--file',
      csv,
      '--spread-days',
      '2',
      '--skip-bad-rows',
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Continued campaign');
    expect(again.stdout).toContain('0 invited, skipped: duplicate 2');
    expect(await count(`SELECT count(*) FROM invitation WHERE campaign_id IS NOT NULL`)).toBe(2);
  });

  it('reads a Windows-1251 file separated by semicolons without garbling the names', async () => {
    const csv = file(
      'excel.csv',
      cp1251('external_id;name;phone\nw-1;Семён Ёлкин;+79992220001\nw-2;Фёкла;+79992220002\n'),
    );
    const result = await cli(
      '--name',
      'Excel',
      '--survey',
      'nps_relationship',
      '--file',
      csv,
      '--external-id',
      'excel-1',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Windows-1251, separated by semicolons');
    const names = (await sql.query(`SELECT name FROM borrower WHERE external_id LIKE 'w-%' ORDER BY 1`)).rows;
    expect(names).toEqual([{ name: 'Семён Ёлкин' }, { name: 'Фёкла' }]);
  });

  it.each([
    [
      'a file without a header',
      'b-1,Ирина,+79991234567\n',
      /Line 1 must be the header external_id,name,phone/,
    ],
    ['a file in UTF-16', Buffer.from('\uFEFFexternal_id\nb-1\n', 'utf16le'), /UTF-16/],
    [
      'an unknown programme',
      `${HEADER}\nu-1,,+79993330001,,,,,\n`,
      /--survey: must be the key of an active survey programme/,
    ],
    [
      'a quote never closed',
      `${HEADER}\nq-1,"Ирина,+79993330002,,,,,\n`,
      /not a readable CSV: the quote opened on line 2 is never closed/,
    ],
  ])('refuses %s with a clear message and imports nothing', async (name, content, message) => {
    const before = await count(`SELECT count(*) FROM campaign`);
    const csv = file(`${name.replace(/\W+/g, '-')}.csv`, content);
    const result = await cli(
      '--name',
      'Bad',
      '--survey',
      name === 'an unknown programme' ? 'nps_unknown' : 'nps_relationship',
      '--file',
      csv,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await count(`SELECT count(*) FROM campaign`)).toBe(before);
  });

  it('refuses a missing file and a bad spread before reading anything', async () => {
    const missing = await cli('--name', 'x', '--survey', 'nps_relationship', '--file', join(dir, 'nope.csv'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') });
    const spread = await cli(
      '--name',
      'x',
      '--survey',
      'nps_relationship',
      '--file',
      join(dir, 'excel.csv'),
      '--spread-days',
      'two',
    );
    expect(spread).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--spread-days must be a whole number'),
    });
  });
});
