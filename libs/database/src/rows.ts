/**
 * Rows for one set-based statement, kept by column name: `rows.push({ id, name })` per row, then
 * `rows.unnest(params, 'u')` gives `unnest($4::uuid[], $5::text[]) AS u(id, name)` and appends one
 * array parameter per column to `params`. Many rows, one round trip, no positional bookkeeping.
 */
export class Rows<Row extends Record<string, unknown>> {
  private readonly names: (keyof Row & string)[];
  private readonly values: unknown[][];

  constructor(private readonly types: { [Column in keyof Row & string]: string }) {
    this.names = Object.keys(types) as (keyof Row & string)[];
    this.values = this.names.map(() => []);
  }

  push(row: Row): void {
    this.names.forEach((name, i) => this.values[i]!.push(row[name] ?? null));
  }

  get length(): number {
    return this.values[0]?.length ?? 0;
  }

  /** The column names in order, for an INSERT's column list. */
  get columns(): string {
    return this.names.join(', ');
  }

  unnest(params: unknown[], alias: string): string {
    const args = this.names.map((name, i) => `$${params.push(this.values[i])}::${this.types[name]}[]`);
    return `unnest(${args.join(', ')}) AS ${alias}(${this.columns})`;
  }
}
