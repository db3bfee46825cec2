import { Readable } from 'node:stream';
import { CampaignCsvError, campaignCsvRows, csvLayout, CsvRow, MAX_CAMPAIGN_ROWS } from './campaign-csv';

async function read(bytes: Buffer): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of campaignCsvRows(Readable.from([bytes]), csvLayout(bytes))) rows.push(row);
  return rows;
}
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const HEADER = 'external_id,name,phone,email,locale,time_zone,product,segment\n';

describe('a campaign CSV', () => {
  it('reads UTF-8 with a BOM, quoted commas and CRLF line ends into recipients', async () => {
    const rows = await read(
      utf8(
        `\uFEFF${HEADER.replace('\n', '\r\n')}b-1,"Иванова, Ирина",+79991234567,,ru,Asia/Novosibirsk,PDL,repeat\r\n`,
      ),
    );
    expect(rows).toEqual([
      {
        line: 2,
        errors: [],
        recipient: {
          borrower: {
            externalId: 'b-1',
            name: 'Иванова, Ирина',
            phone: '+79991234567',
            locale: 'ru',
            timeZone: 'Asia/Novosibirsk',
          },
          product: 'PDL',
          segment: 'repeat',
        },
      },
    ]);
  });

  it('decodes Windows-1251 separated by semicolons (Excel in Russian) instead of garbling it', async () => {
    const text = 'external_id;name;phone\nb-2;Пётр Сидоров;+79991234568\n';
    const cp1251 = Buffer.from(
      [...text].map((c) => {
        const code = c.charCodeAt(0);
        if (code < 128) return code;
        if (c === 'ё') return 0xb8;
        return code - 0x410 + 0xc0;
      }),
    );
    expect(csvLayout(cp1251)).toEqual({ encoding: 'windows-1251', delimiter: ';' });
    const [row] = await read(cp1251);
    expect(row!.recipient!.borrower.name).toBe('Пётр Сидоров');
  });

  it('names each bad row by line and column: a local phone, a zone, a repeated borrower, a short row', async () => {
    const rows = await read(
      utf8(
        `${HEADER}b-1,,8 999 123-45-67,,,,,\nb-2,,,,,Mars/Olympus,,\nb-3,,+79991234569,,,,,\nb-3,,+79991234570,,,,,\nb-4,too,few\n`,
      ),
    );
    expect(rows.map((r) => [r.line, r.errors.map((e) => `${e.path} ${e.message}`)])).toEqual([
      [2, [expect.stringMatching(/^phone must be in E\.164 format: 8 999 … is a local Russian number/)]],
      [3, ['time_zone must be an IANA time zone such as Europe/Moscow']],
      [4, []],
      [5, ['external_id names a borrower already on line 4']],
      [6, [' has 3 cells where the header has 8']],
    ]);
  });

  it.each([
    ['no header', 'b-1,Ирина,+79991234567\n', /must be the header external_id,name,phone/],
    ['a header without external_id', 'name,phone\nИрина,+79991234567\n', /lacks the column external_id/],
    ['an unknown column', 'external_id,vip\nb-1,yes\n', /unknown columns \(vip\)/],
    ['a column named twice', 'external_id,phone,phone\nb-1,,\n', /names the column phone twice/],
    ['an empty file', '', /The file is empty/],
    ['a quote never closed', `${HEADER}b-1,"Ирина,+7999\n`, /the quote opened on line 2 is never closed/],
  ])('refuses %s as a whole, with a clear message', async (_name, text, message) => {
    await expect(read(utf8(text))).rejects.toThrow(message);
    await expect(read(utf8(text))).rejects.toBeInstanceOf(CampaignCsvError);
  });

  it('refuses UTF-16', () => {
    expect(() => csvLayout(Buffer.from('\uFEFFexternal_id', 'utf16le'))).toThrow(/UTF-16/);
  });

  it('refuses a file of more rows than the limit, having read no further', async () => {
    const body = Buffer.from(`external_id\n${Array.from({ length: 1001 }, (_, i) => `b${i}`).join('\n')}\n`);
    let last = 0;
    const reading = (async () => {
      for await (const row of campaignCsvRows(Readable.from([body]), csvLayout(body), 1000)) last = row.line;
    })();
    await expect(reading).rejects.toThrow(/more than 1,000 rows/);
    expect(last).toBe(1001);
  });

  it(`reads ${MAX_CAMPAIGN_ROWS.toLocaleString('en')} rows by default`, async () => {
    const body = Buffer.from(
      `external_id\n${Array.from({ length: MAX_CAMPAIGN_ROWS + 1 }, (_, i) => `b${i}`).join('\n')}\n`,
    );
    let rows = 0;
    const reading = (async () => {
      for await (const row of campaignCsvRows(Readable.from([body]), csvLayout(body))) rows = row.line - 1;
    })();
    await expect(reading).rejects.toThrow(/more than 1,000,000 rows/);
    expect(rows).toBe(MAX_CAMPAIGN_ROWS);
  });
});
