import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { Clock, FieldError, isPlainText, ValidationFailedException } from '@app/core';
import { Rows } from '@app/database';
import { DataSource } from 'typeorm';

export interface Operator {
  agentRef: string;
  name: string;
  team: string | null;
}

/** The CSV an import reads: this header, then one operator a line. */
export const OPERATOR_CSV_HEADER = 'agent_ref,name,team';
/** The most one pasted import may hold (about 2,000 operators). */
export const MAX_OPERATOR_CSV = 100_000;

/**
 * The contact-centre operators (table `operator`, owned here): the events' `agentRef` with a name and
 * a team. Saved one at a time or imported from a CSV, which is written whole or not at all: a file with
 * a bad or repeated line is refused with every such line named by its number. Audited.
 */
@Injectable()
export class Operators {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<Operator[]> {
    return this.db.query(
      `SELECT agent_ref AS "agentRef", name, team FROM operator ORDER BY team NULLS LAST, name LIMIT 5000`,
    );
  }

  async save(actor: Actor, input: Operator): Promise<void> {
    const errors = check(input, '');
    if (errors.length > 0) throw new ValidationFailedException(errors);
    await this.write(actor, [normalised(input)], {
      agentRef: input.agentRef,
      name: input.name,
      team: input.team,
    });
  }

  /** A CSV (`agent_ref,name,team`, UTF-8, comma-separated, quotes allowed), written whole or refused whole. */
  async import(actor: Actor, csv: string): Promise<{ imported: number }> {
    if (typeof csv !== 'string' || csv.trim() === '')
      throw new ValidationFailedException([
        { path: 'csv', message: 'must hold the header and at least one line' },
      ]);
    if (csv.length > MAX_OPERATOR_CSV)
      throw new ValidationFailedException([
        { path: 'csv', message: `must be at most ${MAX_OPERATOR_CSV} characters` },
      ]);
    const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
    const header = parseCsvLine(lines[0]!).map((h) => h.trim().toLowerCase());
    if (header.join(',') !== OPERATOR_CSV_HEADER)
      throw new ValidationFailedException([
        { path: 'csv', message: `line 1 must be the header ${OPERATOR_CSV_HEADER}` },
      ]);
    const errors: FieldError[] = [];
    const seen = new Map<string, number>();
    const operators: Operator[] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const cells = parseCsvLine(line);
      const path = `csv.line ${i + 1}`;
      if (cells.length !== 3) {
        errors.push({ path, message: 'must have 3 fields: agent_ref, name, team' });
        continue;
      }
      const operator = { agentRef: cells[0]!.trim(), name: cells[1]!.trim(), team: cells[2]!.trim() || null };
      errors.push(...check(operator, `${path}.`));
      const first = seen.get(operator.agentRef);
      if (first !== undefined) errors.push({ path, message: `repeats the agent_ref of line ${first}` });
      else seen.set(operator.agentRef, i + 1);
      operators.push(operator);
    }
    if (operators.length === 0 && errors.length === 0)
      errors.push({ path: 'csv', message: 'must hold the header and at least one line' });
    if (errors.length > 0) throw new ValidationFailedException(errors.slice(0, 50));
    await this.write(actor, operators.map(normalised), { imported: operators.length });
    return { imported: operators.length };
  }

  private async write(actor: Actor, operators: Operator[], details: Record<string, unknown>): Promise<void> {
    const rows = new Rows<{ agent_ref: string; name: string; team: string | null }>({
      agent_ref: 'text',
      name: 'text',
      team: 'text',
    });
    for (const o of operators) rows.push({ agent_ref: o.agentRef, name: o.name, team: o.team });
    // $1 now, $2 who; then the columns.
    const params: unknown[] = [this.clock.now(), `${actor.type}:${actor.id}`];
    const source = rows.unnest(params, 'u');
    await this.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO operator (agent_ref, name, team, updated_at, updated_by)
         SELECT u.agent_ref, u.name, u.team, $1, $2 FROM ${source}
         ON CONFLICT (agent_ref) DO UPDATE SET name = EXCLUDED.name, team = EXCLUDED.team,
            updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        params,
      );
      await this.audit.record(actor, { action: 'operator.saved', entityType: 'operator', details }, manager);
    });
  }
}

function check(o: Operator, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!o.agentRef || !isPlainText(o.agentRef, 'identifier') || o.agentRef.length > 100)
    errors.push({ path: `${prefix}agentRef`, message: 'must be 1 to 100 characters' });
  if (!o.name || !isPlainText(o.name, 'line') || o.name.length > 200)
    errors.push({ path: `${prefix}name`, message: 'must be 1 to 200 characters' });
  if (o.team !== null && (!isPlainText(o.team, 'line') || o.team.length > 100))
    errors.push({ path: `${prefix}team`, message: 'must be 1 to 100 characters' });
  return errors;
}

function normalised(o: Operator): Operator {
  return { agentRef: o.agentRef.trim(), name: o.name.trim(), team: o.team?.trim() || null };
}

/** One CSV line's fields (RFC 4180 quoting within the line). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
