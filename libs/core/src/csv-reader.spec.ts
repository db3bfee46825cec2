import fc from 'fast-check';
import { CsvReader, CsvRecord, CsvSyntaxError } from './csv-reader';

function readAll(chunks: string[], separator: ',' | ';' = ','): CsvRecord[] {
  const reader = new CsvReader(separator);
  return [...chunks.flatMap((c) => reader.push(c)), ...reader.end()];
}

const quote = (cell: string, separator: string) =>
  /["\r\n]/.test(cell) || cell.includes(separator) || cell === '' ? `"${cell.replace(/"/g, '""')}"` : cell;

describe('CsvReader', () => {
  it('reads back any cells written the RFC 4180 way, split into any chunks, with the line each record starts on', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'б', ',', ';', '"', '\n', '\r\n', ' ', 'Ё', '1'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(',' as const, ';' as const),
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 20 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 10 }),
        (separator, records, newline, cuts) => {
          const text =
            records.map((r) => r.map((c) => quote(c, separator)).join(separator)).join(newline) + newline;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((p, i, all) => text.slice(p, all[i + 1] ?? text.length));
          let line = 1;
          const expected = records.map((cells) => {
            const record = { line, cells };
            line += 1 + cells.join('').split('\n').length - 1;
            return record;
          });
          expect(readAll(chunks, separator)).toEqual(expected);
        },
      ),
    );
  });

  it('skips blank lines but counts them, keeps a quote inside an unquoted field, reads a last line without a line end', () => {
    expect(readAll(['a,b\n\n', '\r\nИрина "Ира",2\nc,"x""y"'])).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 4, cells: ['Ирина "Ира"', '2'] },
      { line: 5, cells: ['c', 'x"y'] },
    ]);
  });

  it('names the line of an unclosed quote, of text after a closing quote, and of an overlong row', () => {
    const failure = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return [(error as CsvSyntaxError).message, (error as CsvSyntaxError).line];
      }
      return null;
    };
    expect(failure(() => readAll(['a\nb\n"c,d\ne\n']))).toEqual(['a quote is opened and never closed', 3]);
    expect(failure(() => readAll(['a\n"b"c\n']))).toEqual([
      'a quoted field goes on after its closing quote',
      2,
    ]);
    expect(failure(() => new CsvReader(',', 10).push('"0123456789abc'))).toEqual([
      'a row is longer than 0 KB',
      1,
    ]);
  });
});
