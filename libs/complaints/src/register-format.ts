import type { TableShape, TableWording } from '@app/exports';
import { onTimeCondition, overdueCondition } from './complaint-deadline';

// The register's columns, filters and rows; the file formats are @app/exports'.

/** The register's columns, in the contract's order. */
export const REGISTER_COLUMNS = [
  'register_no',
  'registered_at',
  'received_via',
  'touchpoint',
  'product',
  'borrower_external_id',
  'borrower_name',
  'survey',
  'score',
  'comment',
  'category',
  'substance',
  'status',
  'classification',
  'root_cause',
  'response_type',
  'redress',
  'resolution',
  'corrective_action',
  'handled_by',
  'reviewed_by',
  'due_at',
  'extended_due_at',
  'resolved_at',
  'on_time',
  'event_external_id',
  'received_at',
  'regulator_ref',
  'criteria_met',
  'corrective_action_owner',
  'corrective_action_due_at',
  'corrective_action_status',
  'extension_reason',
] as const;
export const REGISTER_SHAPE: TableShape = {
  columns: REGISTER_COLUMNS,
  dates: [
    'registered_at',
    'due_at',
    'extended_due_at',
    'resolved_at',
    'received_at',
    'corrective_action_due_at',
  ],
  numbers: ['score'],
  sheet: 'Register',
};

export type RegisterLanguage = 'en' | 'ru';
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number];
export interface RegisterFilters {
  from: string;
  to: string;
  status?: string;
  classification?: string;
  category?: string;
  channel?: string;
  overdue?: boolean;
}

/**
 * How the file speaks: `en` is machine codes under the contract's header; `ru` gives people and the
 * regulator Russian column titles and values.
 */
export type RegisterWording = TableWording;

/** Complaints registered from $1 to $2 (dates, inclusive) in the lender's zone $3. */
export const REGISTER_PERIOD = `c.registered_at >= ($1::date::timestamp AT TIME ZONE $3) AND c.registered_at < (($2::date + 1)::timestamp AT TIME ZONE $3)`;

/**
 * The register's filters after the period, as SQL over alias `c` with parameters from $6 on ($4: the
 * criteria's language key, $5: now). Values are parameters, never text in the SQL.
 */
export function registerWhere(filters: RegisterFilters): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = [REGISTER_PERIOD];
  const add = (column: string, value: string | undefined) => {
    if (value) where.push(`c.${column} = $${params.push(value) + 5}`);
  };
  add('status', filters.status);
  add('classification', filters.classification);
  add('category', filters.category);
  add('received_via', filters.channel);
  if (filters.overdue) where.push(overdueCondition('c', '$5'));
  return { sql: where.join(' AND '), params };
}

const LOCAL = (column: string) => `to_char(${column} AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI')`;

/**
 * The register's rows for a period and filters, in register order. $1, $2: dates; $3: the lender's
 * zone; $4: which text of the criteria (`key` or `ru`); $5: now; filters from $6.
 */
export const registerSql = (where: string) => `SELECT c.register_no,
                  to_char(c.registered_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS registered_at,
                  c.received_via, coalesce(c.touchpoint, e.touchpoint) AS touchpoint, coalesce(c.product, e.product) AS product, b.external_id AS borrower_external_id, b.name AS borrower_name,
                  s.key AS survey, r.score::text AS score, r.comment, c.category, c.substance, c.status, c.classification, c.root_cause,
                  c.response_type, c.redress, c.resolution, c.corrective_action, hu.name AS handled_by, ru.name AS reviewed_by,
                  to_char(c.due_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS due_at,
                  to_char(c.extended_due_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS extended_due_at,
                  to_char(c.resolved_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS resolved_at,
                  CASE WHEN c.resolved_at IS NULL THEN NULL WHEN ${onTimeCondition('c')} THEN 'yes' ELSE 'no' END AS on_time,
                  e.external_id AS event_external_id,
                  ${LOCAL('c.received_at')} AS received_at, c.regulator_ref,
                  (SELECT string_agg(j ->> $4::text, '; ') FROM jsonb_array_elements(c.criteria_judged) j) AS criteria_met,
                  c.corrective_action_owner, ${LOCAL('c.corrective_action_due_at')} AS corrective_action_due_at,
                  c.corrective_action_status, c.extension_reason
             FROM complaint c
             JOIN borrower b ON b.id = c.borrower_id
             LEFT JOIN callback_task t ON t.id = c.task_id
             LEFT JOIN response r ON r.id = t.response_id
             LEFT JOIN invitation i ON i.id = r.invitation_id
             LEFT JOIN contact_event e ON e.id = coalesce(c.contact_event_id, i.contact_event_id)
             LEFT JOIN survey s ON s.id = r.survey_id
             LEFT JOIN staff_user hu ON hu.id = c.registered_by
             LEFT JOIN staff_user ru ON ru.id = c.reviewer_id
            WHERE ${where} AND $5::timestamptz IS NOT NULL
            ORDER BY c.registered_at, c.register_year, c.register_seq`;
