import fc from 'fast-check';
import { csvField, csvRow } from './csv';

/** A minimal RFC 4180 reader for one row, to check that writing and reading agree. */
function parseRow(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
    } else {
      while (i < line.length && line[i] !== ',' && !(line[i] === '\r' && line[i + 1] === '\n'))
        field += line[i++];
    }
    fields.push(field);
    if (line[i] === ',') i++;
    else return fields;
  }
}

describe('CSV for the complaint register', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(4.5)).toBe('4.5');
  });

  it.each(['=1+1', '+7 999', '-2', '@SUM(A1)', '\tcmd', '\rcmd', '=HYPERLINK("http://evil")'])(
    'prefixes the formula-like %j with a quote',
    (value) => {
      expect(parseRow(csvRow([value]))[0]).toBe(`'${value}`);
    },
  );

  it('reads back exactly what was written (other than the formula guard)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 50 }), { minLength: 1, maxLength: 8 }), (values) => {
        const read = parseRow(csvRow(values));
        return (
          read.length === values.length &&
          read.every((v, i) => v === (/^[=+\-@\t\r]/.test(values[i]!) ? `'${values[i]}` : values[i]))
        );
      }),
      { numRuns: 2000 * Number(process.env.FC_RUNS_FACTOR ?? 1) },
    );
  });
});
