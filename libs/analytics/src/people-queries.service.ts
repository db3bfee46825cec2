import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUuid, periodErrors, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { computeMetric, percent } from './metrics';

export interface PeoplePeriod {
  from: string;
  to: string;
}

/** An operator's (or a team's) answers and complaints: whose contacts cause complaints. */
export interface OperatorFigures {
  key: string;
  /** The operator's name and team from the operator list (null when not listed); for a team, null. */
  name: string | null;
  team: string | null;
  responses: number;
  csiAnswers: number;
  csi: number | null;
  csat: number | null;
  npsAnswers: number;
  nps: number | null;
  /** % of the answers that were low. */
  lowShare: number | null;
  /** Complaints registered in the period about their contacts (every channel that names the contact). */
  complaints: number;
}

/** A QC specialist's callback work in the period. */
export interface SpecialistFigures {
  id: string;
  name: string;
  role: string;
  /** Tasks they logged a call on. */
  tasksWorked: number;
  /** Tasks assigned to them that were closed or became complaints. */
  tasksFinished: number;
  avgHoursToFirstContact: number | null;
  calls: number;
  /** % of their calls that reached the borrower. */
  reachRate: number | null;
  complaintsRegistered: number;
  /** Of the borrowers they reached, how many answered the next survey, and how many of those not low. */
  followed: number;
  recoveryShare: number | null;
}

const MAX_DAYS = 3 * 366;
const LOCAL_PERIOD = (column: string) =>
  `${column} >= ($1::date::timestamp AT TIME ZONE $3::text) AND ${column} < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`;

/**
 * The people behind the figures: contact-centre operators (the events' `agentRef`) and teams, by their
 * answers and complaints, and the QC team by their callback work. Read from the answers and tasks of
 * the period, which index by time.
 */
@Injectable()
export class PeopleQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async operators(
    period: PeoplePeriod,
    by: 'operator' | 'team',
    timeZone: string,
  ): Promise<OperatorFigures[]> {
    validate(period);
    const key = by === 'operator' ? 'x.who' : `coalesce(o.team, '—')`;
    const rows: Record<string, string | null>[] = await this.db.query(
      `WITH answers AS (
         SELECT e.agent_ref AS operator, count(*) AS responses, count(*) FILTER (WHERE r.low) AS low,
                count(*) FILTER (WHERE s.kind = 'CSI') AS csi_n, coalesce(sum(r.score) FILTER (WHERE s.kind = 'CSI'), 0) AS csi_sum,
                count(*) FILTER (WHERE s.kind = 'CSI' AND r.score >= 4) AS top2,
                count(*) FILTER (WHERE s.kind = 'NPS') AS nps_n,
                count(*) FILTER (WHERE s.kind = 'NPS' AND r.score >= 9) AS promoters,
                count(*) FILTER (WHERE s.kind = 'NPS' AND r.score >= 7 AND r.score < 9) AS passives,
                count(*) FILTER (WHERE s.kind = 'NPS' AND r.score < 7) AS detractors
           FROM response r JOIN survey s ON s.id = r.survey_id JOIN invitation i ON i.id = r.invitation_id
           JOIN contact_event e ON e.id = i.contact_event_id
          WHERE ${LOCAL_PERIOD('r.submitted_at')} AND e.agent_ref IS NOT NULL
          GROUP BY 1),
       complaints AS (
         SELECT coalesce(ce.agent_ref, e.agent_ref) AS operator, count(*) AS n
           FROM complaint c
           LEFT JOIN contact_event ce ON ce.id = c.contact_event_id
           LEFT JOIN callback_task t ON t.id = c.task_id
           LEFT JOIN response r ON r.id = t.response_id
           LEFT JOIN invitation i ON i.id = r.invitation_id
           LEFT JOIN contact_event e ON e.id = i.contact_event_id
          WHERE ${LOCAL_PERIOD('c.registered_at')} AND coalesce(ce.agent_ref, e.agent_ref) IS NOT NULL
          GROUP BY 1),
       x AS (SELECT coalesce(a.operator, c.operator) AS who, a.responses, a.low, a.csi_n, a.csi_sum, a.top2, a.nps_n,
                     a.promoters, a.passives, a.detractors, coalesce(c.n, 0) AS complaints
               FROM answers a FULL JOIN complaints c ON c.operator = a.operator)
       SELECT ${key} AS key, ${by === 'operator' ? 'min(o.name)' : 'NULL'} AS name,
              ${by === 'operator' ? 'min(o.team)' : `coalesce(o.team, '—')`} AS team,
              coalesce(sum(x.responses), 0) AS responses, coalesce(sum(x.low), 0) AS low,
              coalesce(sum(x.csi_n), 0) AS csi_n, coalesce(sum(x.csi_sum), 0) AS csi_sum, coalesce(sum(x.top2), 0) AS top2,
              coalesce(sum(x.nps_n), 0) AS nps_n, coalesce(sum(x.promoters), 0) AS promoters,
              coalesce(sum(x.passives), 0) AS passives, coalesce(sum(x.detractors), 0) AS detractors,
              sum(x.complaints) AS complaints
         FROM x LEFT JOIN operator o ON o.agent_ref = x.who
        GROUP BY 1${by === 'team' ? ', 3' : ''}
        ORDER BY sum(x.complaints) DESC, coalesce(sum(x.low), 0) DESC, 1
        LIMIT 500`,
      [period.from, period.to, timeZone],
    );
    const n = (v: string | null | undefined) => Number(v ?? 0);
    return rows.map((row) => {
      const csi = computeMetric('CSI', {
        responses: n(row.csi_n),
        scoreSum: n(row.csi_sum),
        top2: n(row.top2),
        promoters: 0,
        passives: 0,
        detractors: 0,
      });
      const nps = computeMetric('NPS', {
        responses: n(row.nps_n),
        scoreSum: 0,
        top2: 0,
        promoters: n(row.promoters),
        passives: n(row.passives),
        detractors: n(row.detractors),
      });
      return {
        key: row.key!,
        name: row.name ?? null,
        team: by === 'operator' ? (row.team ?? null) : null,
        responses: n(row.responses),
        csiAnswers: n(row.csi_n),
        csi: csi.csi ?? null,
        csat: csi.csat ?? null,
        npsAnswers: n(row.nps_n),
        nps: nps.nps ?? null,
        lowShare: percent(n(row.low), n(row.responses)),
        complaints: n(row.complaints),
      };
    });
  }

  /** The QC team's callback work; `only` narrows it to one person (an agent sees their own). */
  async specialists(period: PeoplePeriod, timeZone: string, only?: string): Promise<SpecialistFigures[]> {
    validate(period);
    if (only !== undefined && !isUuid(only))
      throw new ValidationFailedException([{ path: 'user', message: 'must be a staff id' }]);
    const rows: Record<string, string | null>[] = await this.db.query(
      `WITH calls AS (
         SELECT a.agent_id, count(*) AS calls, count(*) FILTER (WHERE a.result = 'reached') AS reached,
                count(DISTINCT a.task_id) AS tasks_worked
           FROM callback_attempt a WHERE ${LOCAL_PERIOD('a.attempted_at')} GROUP BY 1),
       finished AS (
         SELECT t.assignee_id AS agent_id, count(*) AS n FROM callback_task t
          WHERE t.status IN ('closed', 'complaint') AND t.assignee_id IS NOT NULL
            AND ${LOCAL_PERIOD('coalesce(t.closed_at, t.updated_at)')} GROUP BY 1),
       first_contacts AS (
         SELECT t.assignee_id AS agent_id, t.borrower_id, t.first_contact_at, t.created_at
           FROM callback_task t
          WHERE t.first_contact_at IS NOT NULL AND t.assignee_id IS NOT NULL AND ${LOCAL_PERIOD('t.first_contact_at')}),
       contact AS (
         SELECT f.agent_id, avg(extract(epoch FROM f.first_contact_at - f.created_at) / 3600) AS avg_hours,
                count(n.id) AS followed, count(n.id) FILTER (WHERE NOT n.low) AS recovered
           FROM first_contacts f
           LEFT JOIN LATERAL (SELECT r2.id, r2.low FROM response r2
                               WHERE r2.borrower_id = f.borrower_id AND r2.submitted_at > f.first_contact_at
                               ORDER BY r2.submitted_at LIMIT 1) n ON true
          GROUP BY 1),
       registered AS (
         SELECT c.registered_by AS agent_id, count(*) AS n FROM complaint c
          WHERE c.registered_by IS NOT NULL AND ${LOCAL_PERIOD('c.registered_at')} GROUP BY 1)
       SELECT u.id, u.name, u.role, coalesce(calls.tasks_worked, 0) AS tasks_worked, coalesce(finished.n, 0) AS finished,
              contact.avg_hours, coalesce(calls.calls, 0) AS calls, coalesce(calls.reached, 0) AS reached,
              coalesce(registered.n, 0) AS registered, coalesce(contact.followed, 0) AS followed,
              coalesce(contact.recovered, 0) AS recovered
         FROM staff_user u
         LEFT JOIN calls ON calls.agent_id = u.id
         LEFT JOIN finished ON finished.agent_id = u.id
         LEFT JOIN contact ON contact.agent_id = u.id
         LEFT JOIN registered ON registered.agent_id = u.id
        WHERE u.role IN ('agent', 'expert') AND ($4::uuid IS NULL OR u.id = $4::uuid)
        ORDER BY u.name`,
      [period.from, period.to, timeZone, only ?? null],
    );
    const n = (v: string | null | undefined) => Number(v ?? 0);
    return rows.map((row) => ({
      id: row.id!,
      name: row.name!,
      role: row.role!,
      tasksWorked: n(row.tasks_worked),
      tasksFinished: n(row.finished),
      avgHoursToFirstContact: row.avg_hours === null ? null : Math.round(Number(row.avg_hours) * 10) / 10,
      calls: n(row.calls),
      reachRate: percent(n(row.reached), n(row.calls)),
      complaintsRegistered: n(row.registered),
      followed: n(row.followed),
      recoveryShare: percent(n(row.recovered), n(row.followed)),
    }));
  }
}

function validate(period: PeoplePeriod): void {
  const errors = periodErrors(period, MAX_DAYS);
  if (errors.length > 0) throw new ValidationFailedException(errors);
}
