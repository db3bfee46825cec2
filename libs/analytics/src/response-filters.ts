import { createHash } from 'node:crypto';
import { canonicalJson, periodErrors, isPlainText, isUuid, ValidationFailedException } from '@app/core';
import { SURVEY_KINDS } from './metric-sums.service';

/** The answers' filters, shared by the explorer's pages and its export. */
export interface ResponseFilters {
  from?: string;
  to?: string;
  survey?: string;
  kind?: string;
  touchpoint?: string;
  channel?: string;
  product?: string;
  segment?: string;
  operator?: string;
  tag?: string;
  category?: string;
  low?: string | boolean;
  hasComment?: string | boolean;
  campaign?: string;
}

export const RESPONSE_FILTER_KEYS = [
  'from',
  'to',
  'survey',
  'kind',
  'touchpoint',
  'channel',
  'product',
  'segment',
  'operator',
  'tag',
  'category',
  'low',
  'hasComment',
  'campaign',
] as const satisfies readonly (keyof ResponseFilters)[];

const FREE_TEXT = [
  'survey',
  'touchpoint',
  'channel',
  'product',
  'segment',
  'operator',
  'tag',
  'category',
] as const;
/** The longest period one request reads: three years, as the metrics. */
export const MAX_RESPONSE_DAYS = 3 * 366;

/** The comment's main category: its first tag other than `other`, else `other`; null without tags. */
export const CATEGORY_SQL = `CASE WHEN cardinality(r.tags) = 0 THEN NULL
  ELSE coalesce((SELECT t FROM unnest(r.tags) t WHERE t <> 'other' LIMIT 1), 'other') END`;

/** Every filter checked at once (each mistake named by its parameter); the filters as given otherwise. */
export function validateResponseFilters(filters: ResponseFilters): void {
  const errors = periodErrors(filters, MAX_RESPONSE_DAYS, { optional: true });
  if (filters.kind !== undefined && !(SURVEY_KINDS as readonly string[]).includes(filters.kind))
    errors.push({ path: 'kind', message: `must be one of ${SURVEY_KINDS.join(', ')}` });
  for (const key of FREE_TEXT) {
    const value = filters[key];
    if (value !== undefined && (!isPlainText(value, 'identifier') || value.length > 100))
      errors.push({ path: key, message: 'must be 1 to 100 characters' });
  }
  for (const key of ['low', 'hasComment'] as const) {
    const value = filters[key];
    if (value !== undefined && value !== true && value !== false && value !== 'true' && value !== 'false')
      errors.push({ path: key, message: 'must be true or false' });
  }
  if (filters.campaign !== undefined && !isUuid(filters.campaign))
    errors.push({ path: 'campaign', message: 'must be a UUID' });
  if (errors.length > 0) throw new ValidationFailedException(errors);
}

/** Only the filters that narrow anything, as strings: what a cursor is bound to and what an audit records. */
export function givenFilters(filters: ResponseFilters): Record<string, string> {
  const given: Record<string, string> = {};
  for (const key of RESPONSE_FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== '') given[key] = String(value);
  }
  return given;
}

/** A short digest of the filters: a cursor carries it, so a cursor from another filter set is refused. */
export function filtersFingerprint(filters: ResponseFilters): string {
  return createHash('sha256')
    .update(canonicalJson(givenFilters(filters)))
    .digest('base64url')
    .slice(0, 16);
}

/**
 * The filters as SQL over `r` (response), `s` (survey), `b` (borrower), `e` (contact event), with the
 * lender's zone at `zone` (a parameter placeholder) and each value pushed onto `params`.
 */
export function responseConditions(filters: ResponseFilters, params: unknown[], zone: string): string[] {
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => where.push(sql(`$${params.push(value)}`));
  if (filters.from)
    add((p) => `r.submitted_at >= (${p}::date::timestamp AT TIME ZONE ${zone}::text)`, filters.from);
  if (filters.to)
    add((p) => `r.submitted_at < ((${p}::date + 1)::timestamp AT TIME ZONE ${zone}::text)`, filters.to);
  if (filters.survey) add((p) => `s.key = ${p}`, filters.survey);
  if (filters.kind) add((p) => `s.kind = ${p}`, filters.kind);
  if (filters.touchpoint) add((p) => `r.touchpoint = ${p}`, filters.touchpoint);
  if (filters.channel) add((p) => `r.channel = ${p}`, filters.channel);
  if (filters.product) add((p) => `r.product = ${p}`, filters.product);
  if (filters.segment) add((p) => `b.segment = ${p}`, filters.segment);
  if (filters.operator) add((p) => `e.agent_ref = ${p}`, filters.operator);
  if (filters.tag) add((p) => `${p} = ANY(r.tags)`, filters.tag);
  if (filters.category) add((p) => `(${CATEGORY_SQL}) = ${p}`, filters.category);
  if (filters.low === true || filters.low === 'true') where.push('r.low');
  if (filters.low === false || filters.low === 'false') where.push('NOT r.low');
  if (filters.hasComment === true || filters.hasComment === 'true') where.push('r.comment IS NOT NULL');
  if (filters.hasComment === false || filters.hasComment === 'false') where.push('r.comment IS NULL');
  if (filters.campaign) add((p) => `i.campaign_id = ${p}::uuid`, filters.campaign);
  return where;
}

/** The joins every answer read needs for the filters above (every answer has its invitation). */
export const RESPONSE_FROM = `response r
         JOIN survey s ON s.id = r.survey_id
         JOIN borrower b ON b.id = r.borrower_id
         LEFT JOIN invitation i ON i.id = r.invitation_id
         LEFT JOIN contact_event e ON e.id = i.contact_event_id
         LEFT JOIN campaign cp ON cp.id = i.campaign_id`;
