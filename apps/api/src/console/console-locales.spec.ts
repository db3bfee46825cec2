import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, STAFF_ROLES } from '@app/audit';
import { ATTEMPT_RESULTS } from '@app/callbacks';
import {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  CORRECTIVE_ACTION_STATUSES,
  RECEIVED_VIA,
  RESPONSE_TYPES,
} from '@app/complaints';
import { projectRoot } from '@app/core';
import { API_SCOPES } from '@app/identity';
import { WEBHOOK_EVENTS } from '@app/webhooks';

const root = join(projectRoot(), 'templates');
const strings = (locale: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(
      JSON.parse(readFileSync(join(root, 'locales', `${locale}.json`), 'utf8')) as Record<string, string>,
    )
      .filter(([key]) => key.startsWith('console.'))
      .map(([key, value]) => [key.slice('console.'.length), value]),
  );
const en = strings('en');
const ru = strings('ru');

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? templates(join(dir, entry.name))
      : entry.name.endsWith('.hbs')
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );
}
const sources = [
  ...templates(join(root, 'pages', 'console')),
  ...readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => readFileSync(join(__dirname, f), 'utf8')),
];

describe('console strings', () => {
  it('has the same keys in English and Russian', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it('has every key a template asks for with t "…"', () => {
    const used = new Set(sources.flatMap((s) => [...s.matchAll(/\(?\bt "([\w.]+)"/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((key) => !(key in en))).toEqual([]);
  });

  it('has a notice text for every notice a controller redirects with', () => {
    // ?notice=x in redirects, { notice: 'x' } in views, and change(…, id, 'x', () => …) in the page controllers.
    const patterns = [/notice=([a-z_]+)/g, /notice: '([a-z_]+)'/g, /id, '([a-z_]+)',\s*\(\) =>/g];
    const notices = new Set(
      sources.flatMap((s) => patterns.flatMap((p) => [...s.matchAll(p)].map((m) => m[1]!))),
    );
    expect(notices.size).toBeGreaterThan(10);
    expect([...notices].filter((n) => !(`notice.${n}` in en))).toEqual([]);
  });

  it.each([
    ['role', STAFF_ROLES],
    ['attempt', ATTEMPT_RESULTS],
    ['category', COMPLAINT_CATEGORIES],
    ['classification', CLASSIFICATIONS],
    ['responseType', RESPONSE_TYPES],
    ['receivedVia', RECEIVED_VIA],
    ['taskStatus', ['open', 'in_progress', 'complaint', 'closed']],
    ['complaintStatus', ['registered', 'under_review', 'resolved']],
    ['closure', ['not_a_complaint', 'unreachable', 'complaint_resolved']],
    ['touchpoint', ['call', 'chat', 'email', 'loan_issued', 'repayment', 'collection']],
    ['channel', ['sms', 'email', 'in_app']],
    ['actionStatus', CORRECTIVE_ACTION_STATUSES],
    ['scope', API_SCOPES],
    ['history.action', AUDIT_ACTIONS],
    ['entityType', AUDIT_ENTITY_TYPES],
    ['webhookEvent', WEBHOOK_EVENTS],
  ] as [string, readonly string[]][])('labels every %s value', (prefix, values) => {
    expect(values.filter((v) => !(`${prefix}.${v}` in en))).toEqual([]);
  });
});
