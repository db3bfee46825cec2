import { Rows } from './rows';

describe('Rows', () => {
  it('builds one unnest by column name, numbering its parameters after those already there', () => {
    const rows = new Rows<{ id: string; score: number | null }>({ id: 'uuid', score: 'int' });
    rows.push({ id: 'a', score: 1 });
    rows.push({ id: 'b', score: null });
    const params: unknown[] = [new Date(0)];
    expect(rows.unnest(params, 'u')).toBe('unnest($2::uuid[], $3::int[]) AS u(id, score)');
    expect(params.slice(1)).toEqual([
      ['a', 'b'],
      [1, null],
    ]);
    expect(rows.columns).toBe('id, score');
    expect(rows.length).toBe(2);
  });
});
