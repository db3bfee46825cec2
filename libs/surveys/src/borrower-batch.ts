import { Rows } from '@app/database';
import { EntityManager } from 'typeorm';
import { Locale } from './survey.model';

/** What a contact event or a campaign recipient says about a borrower; a missing detail leaves it as it was. */
export interface BorrowerInput {
  externalId: string;
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  locale?: Locale | null;
  timeZone?: string | null;
  segment?: string | null;
}

export interface BorrowerState {
  id: string;
  external_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  locale: Locale;
  time_zone: string;
  segment: string | null;
  sms_opted_out: boolean;
  email_opted_out: boolean;
  /** An invitation within the contact cap window exists already. */
  recently_invited: boolean;
}

export const DEFAULT_TIME_ZONE = 'Europe/Moscow';

const DETAILS = {
  id: 'uuid',
  name: 'text',
  phone: 'text',
  email: 'text',
  locale: 'text',
  time_zone: 'text',
  segment: 'text',
} as const;

/** Each borrower's details as the batch leaves them (later inputs win, a null keeps what was there). */
function latestInputs(inputs: readonly BorrowerInput[]): Map<string, BorrowerInput> {
  const latest = new Map<string, BorrowerInput>();
  for (const input of inputs) {
    const before = latest.get(input.externalId);
    const given = Object.fromEntries(
      Object.entries(input).filter(([, v]) => v !== null && v !== undefined),
    ) as BorrowerInput;
    latest.set(input.externalId, { ...before, ...given });
  }
  return latest;
}

/**
 * The borrowers of a batch with what the contact policy needs: the opt-outs of the number and address
 * they will have after the batch (an opt-out belongs to the address), and whether an invitation within
 * the contact cap exists. One statement; borrowers missing from the database are simply absent.
 */
export async function readBorrowerStates(
  manager: EntityManager,
  inputs: readonly BorrowerInput[],
  capStart: Date,
): Promise<BorrowerState[]> {
  const latest = latestInputs(inputs);
  return manager.query(
    `SELECT b.id, b.external_id, b.name, b.phone, b.email, b.locale, b.time_zone, b.segment,
            b.sms_opted_out_at IS NOT NULL OR EXISTS (SELECT 1 FROM contact_suppression s
              WHERE s.channel = 'sms' AND s.lifted_at IS NULL AND s.address = coalesce(x.phone, b.phone)) AS sms_opted_out,
            b.email_opted_out_at IS NOT NULL OR EXISTS (SELECT 1 FROM contact_suppression s
              WHERE s.channel = 'email' AND s.lifted_at IS NULL AND s.address = lower(coalesce(x.email, b.email))) AS email_opted_out,
            EXISTS (SELECT 1 FROM invitation i WHERE i.borrower_id = b.id AND i.created_at > $2
                      AND i.status NOT IN ('cancelled', 'failed')) AS recently_invited
       FROM unnest($1::text[], $3::text[], $4::text[]) AS x(external_id, phone, email)
       JOIN borrower b ON b.external_id = x.external_id`,
    [
      [...latest.keys()],
      capStart,
      [...latest.values()].map((v) => v.phone ?? null),
      [...latest.values()].map((v) => v.email ?? null),
    ],
  );
}

/**
 * Each borrower with what the batch says about them, and those whose details changed; `undefined`
 * when a borrower is missing from `rows` (created by something else in the meantime: go round again).
 */
export function mergeBorrowers(
  inputs: readonly BorrowerInput[],
  rows: readonly BorrowerState[],
): { borrowers: Map<string, BorrowerState>; changed: BorrowerState[] } | undefined {
  const byExternalId = new Map(rows.map((r) => [r.external_id, r]));
  const borrowers = new Map<string, BorrowerState>();
  const changed: BorrowerState[] = [];
  for (const [externalId, input] of latestInputs(inputs)) {
    const row = byExternalId.get(externalId);
    if (!row) return undefined;
    const next: BorrowerState = {
      ...row,
      name: input.name ?? row.name,
      phone: input.phone ?? row.phone,
      email: input.email ?? row.email,
      locale: input.locale ?? row.locale,
      time_zone: input.timeZone ?? row.time_zone,
      segment: input.segment ?? row.segment,
    };
    if (
      (['name', 'phone', 'email', 'locale', 'time_zone', 'segment'] as const).some((k) => next[k] !== row[k])
    )
      changed.push(next);
    borrowers.set(externalId, next);
  }
  return { borrowers, changed };
}

/** A CTE (`updated AS (…),`) writing the changed borrowers' details, or '' when none changed. */
export function borrowerDetailsUpdate(changed: readonly BorrowerState[], params: unknown[]): string {
  if (changed.length === 0) return '';
  const details = new Rows<Record<keyof typeof DETAILS, unknown>>(DETAILS);
  for (const c of changed)
    details.push({
      id: c.id,
      name: c.name,
      phone: c.phone,
      email: c.email,
      locale: c.locale,
      time_zone: c.time_zone,
      segment: c.segment,
    });
  return `updated AS (
           UPDATE borrower b SET name = u.name, phone = u.phone, email = u.email, locale = u.locale,
                  time_zone = u.time_zone, segment = u.segment, updated_at = now()
             FROM ${details.unnest(params, 'u')}
            WHERE b.id = u.id),`;
}
