import { DateTime } from 'luxon';
import type { AuditRecord } from '@app/audit';

export interface HistoryEntry {
  /** The record's action code, and its words. */
  code: string;
  action: string;
  who: string;
  occurredAt: string;
  /**
   * "Status" and "Registered → Under review", in the reader's words. The value is shown as written
   * (a name, a note, a key's prefix stays as its author typed it); codes in it are already in words.
   */
  changes: { field: string; value: string }[];
  /** Folded view entries: how many views this line stands for. */
  times: number | null;
}

/** Columns a change records that say nothing to a reader. */
const HIDDEN = new Set([
  'version',
  'updated_at',
  'intake_outcome',
  'request_hash',
  'criteria_judged',
  'taskId',
  'repeatOfId',
]);
/** Which values are codes with words of their own (the console's `label` prefixes). */
const LABELLED: Record<string, string> = {
  status: 'complaintStatus',
  classification: 'classification',
  response_type: 'responseType',
  corrective_action_status: 'actionStatus',
  receivedVia: 'receivedVia',
  channel: 'receivedVia',
  category: 'category',
  role: 'role',
  scopes: 'scope',
  events: 'webhookEvent',
  view: 'auditView',
  kind: 'searchKind',
  format: 'fileFormat',
  lang: 'language',
  reason: 'exportRefusal',
};
const STAFF_COLUMNS = new Set(['assignee_id', 'reviewer_id', 'registered_by', 'assigneeId']);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An entity's audit trail as people read it: actions and fields in the reader's language, dates in
 * their zone, people by name, codes by their words, and views folded into one line per person per day.
 */
export function readableHistory(
  records: AuditRecord[],
  reader: { zone: string; text: (key: string) => string | undefined; staff: Map<string, string> },
  options: { foldViews: boolean } = { foldViews: true },
): HistoryEntry[] {
  const word = (key: string, fallback: string) => reader.text(key) ?? fallback;
  const who = (r: AuditRecord) =>
    r.actorType === 'staff' && r.actorId
      ? (reader.staff.get(r.actorId) ?? word('history.formerStaff', 'a former user'))
      : word(`history.actor.${r.actorType}`, r.actorType);
  const label = (k: string) => word(`history.field.${k}`, k.replace(/_/g, ' '));
  const show = (column: string, value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    // A list a page showed: how many, not which (the ids are in the record as stored).
    if (column === 'ids' && Array.isArray(value)) return String(value.length);
    if (typeof value === 'boolean') return word(value ? 'history.yes' : 'history.no', String(value));
    if (STAFF_COLUMNS.has(column) && typeof value === 'string')
      return reader.staff.get(value) ?? word('history.formerStaff', 'a former user');
    if (LABELLED[column] && typeof value === 'string') return word(`${LABELLED[column]}.${value}`, value);
    if (typeof value === 'string' && INSTANT.test(value))
      return DateTime.fromISO(value, { zone: reader.zone }).toFormat('dd.MM.yyyy HH:mm');
    if (Array.isArray(value)) return value.length ? value.map((v) => show(column, v)).join(', ') : '—';
    if (typeof value === 'object')
      return (
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .map(([k, v]) => `${label(k)}: ${show(k, v)}`)
          .join(', ') || '—'
      );
    return String(value).slice(0, 200);
  };
  const entries: HistoryEntry[] = [];
  const views = new Map<string, HistoryEntry>();
  for (const r of records) {
    const action = word(`history.action.${r.action}`, r.action);
    if (options.foldViews && r.action.endsWith('.viewed')) {
      const day = DateTime.fromISO(r.occurredAt, { zone: reader.zone }).toISODate();
      const key = `${r.action}|${r.actorType}|${r.actorId}|${day}`;
      const seen = views.get(key);
      if (seen) {
        seen.times = (seen.times ?? 1) + 1;
        continue;
      }
      const entry = { code: r.action, action, who: who(r), occurredAt: r.occurredAt, changes: [], times: 1 };
      views.set(key, entry);
      entries.push(entry);
      continue;
    }
    const before = (r.before ?? {}) as Record<string, unknown>;
    const after = (r.after ?? {}) as Record<string, unknown>;
    const details = (r.details ?? {}) as Record<string, unknown>;
    const changes = [
      ...Object.keys(after)
        .filter((k) => !HIDDEN.has(k) && JSON.stringify(after[k]) !== JSON.stringify(before[k]))
        .map((k) => ({
          field: label(k),
          value: k in before ? `${show(k, before[k])} → ${show(k, after[k])}` : show(k, after[k]),
        })),
      ...Object.keys(details)
        .filter((k) => !HIDDEN.has(k))
        .map((k) => ({ field: label(k), value: show(k, details[k]) })),
    ].slice(0, 15);
    entries.push({ code: r.action, action, who: who(r), occurredAt: r.occurredAt, changes, times: null });
  }
  return entries;
}
