import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RefreshMetricRollups } from '@app/analytics';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { callbackPriority } from '@app/callbacks';
import { AppConfig } from '@app/config';
import { Clock } from '@app/core';
import { tagComment } from '@app/surveys';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';

const DAY = 86_400_000;
export const DEMO_DAYS = 90;
export const DEMO_BORROWERS = 300;
const EVENTS_PER_DAY = 18;

const FIRST = [
  'Анна',
  'Иван',
  'Мария',
  'Сергей',
  'Елена',
  'Дмитрий',
  'Ольга',
  'Алексей',
  'Наталья',
  'Павел',
  'Татьяна',
  'Николай',
  'Юлия',
  'Артём',
  'Ксения',
  'Михаил',
];
const LAST = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
];
const ZONES = [
  'Europe/Moscow',
  'Europe/Moscow',
  'Europe/Moscow',
  'Asia/Yekaterinburg',
  'Asia/Novosibirsk',
  'Europe/Samara',
  'Asia/Vladivostok',
];
const TOUCHPOINTS: [string, number][] = [
  ['call', 30],
  ['chat', 22],
  ['email', 8],
  ['loan_issued', 15],
  ['repayment', 17],
  ['collection', 8],
];
const LOW_COMMENTS = [
  'Оператор не смог объяснить, почему выросла сумма к возврату',
  'Платёж прошёл, а долг не списался уже три дня',
  'Коллектор звонил в 7 утра и разговаривал грубо',
  'Приложение зависает при оплате картой',
  'Не понимаю условия продления, проценты непрозрачные',
  'Звонили родственникам, хотя я не давал согласия',
  'Долго ждал ответа в чате, вопрос так и не решили',
  'The payment was charged twice',
  'Agent was rude and hung up',
  null,
];
const HIGH_COMMENTS = [
  'Всё быстро и понятно, спасибо!',
  'Удобное приложение',
  'Thank you, very helpful',
  null,
  null,
  null,
];
const SUBSTANCES = [
  'Заёмщик сообщает о повторном списании платежа и просит вернуть средства.',
  'Жалоба на грубость сотрудника взыскания и звонки в ночное время.',
  'Заёмщику не разъяснили условия пролонгации, сумма к возврату оказалась выше ожидаемой.',
  'Заёмщик не может оплатить заём в приложении: ошибка при оплате картой.',
  'Передача сведений о долге третьим лицам без согласия заёмщика.',
];

interface SurveyInfo {
  id: string;
  version: number;
  key: string;
  kind: 'CSI' | 'NPS' | 'CLI';
  min: number;
  max: number;
  threshold: number;
  questions: string[];
}

/** A deterministic generator, so every demo looks the same and a screenshot can be compared. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Ninety days of life for the embedded demo: a few hundred borrowers, contact events, surveys sent,
 * delivered, answered or expired, realistic score distributions and comments, callback tasks in every
 * state with their attempts, and complaints registered, under review and resolved with gap-free
 * numbers. Written once, on a database without contact events, in one transaction.
 */
@Injectable()
export class DemoHistoryService {
  private readonly logger = new Logger(DemoHistoryService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendar: WorkingCalendar,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly rollups: RefreshMetricRollups,
  ) {}

  async seed(): Promise<boolean> {
    const isWorkingDay = await this.calendar.lookup();
    const written = await this.db.transaction(async (manager) => {
      // One seeding at a time (two processes starting together); then only on an empty history.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('resonance:demo-history'))`);
      const existing: unknown[] = await manager.query(`SELECT 1 FROM contact_event LIMIT 1`);
      if (existing.length > 0) return false;
      const staff: { id: string; role: string }[] = await manager.query(
        `SELECT id, role FROM staff_user WHERE role IN ('agent', 'expert') AND disabled_at IS NULL ORDER BY created_at`,
      );
      const agents = staff.filter((s) => s.role === 'agent').map((s) => s.id);
      const experts = staff.filter((s) => s.role === 'expert').map((s) => s.id);
      if (agents.length === 0 || experts.length === 0) return false;
      const surveys = await this.surveys(manager);
      await this.write(manager, surveys, agents[0]!, experts[0]!, isWorkingDay);
      this.logger.log('Demo history written (90 days)');
      return true;
    });
    // The history lies in the past, behind any refresh watermark: roll its days up explicitly.
    if (written) {
      const zone = this.config.lenderTimeZone;
      const now = DateTime.fromJSDate(this.clock.now(), { zone });
      await this.rollups.recompute(
        now.minus({ days: DEMO_DAYS + 1 }).toISODate()!,
        now.plus({ days: 1 }).toISODate()!,
      );
    }
    return written;
  }

  private async surveys(manager: EntityManager): Promise<Map<string, SurveyInfo>> {
    const rows: {
      id: string;
      version: number;
      key: string;
      kind: SurveyInfo['kind'];
      questions: { id: string; min: number; max: number }[];
      low_score_threshold: string;
    }[] = await manager.query(
      `SELECT id, version, key, kind, questions, low_score_threshold FROM survey WHERE is_current`,
    );
    return new Map(
      rows.map((s) => [
        s.key,
        {
          id: s.id,
          version: s.version,
          key: s.key,
          kind: s.kind,
          min: s.questions[0]!.min,
          max: s.questions[0]!.max,
          threshold: Number(s.low_score_threshold),
          questions: s.questions.map((q) => q.id),
        },
      ]),
    );
  }

  private async write(
    manager: EntityManager,
    surveys: Map<string, SurveyInfo>,
    agent: string,
    expert: string,
    isWorkingDay: (day: string) => boolean,
  ): Promise<void> {
    const random = prng(20261122);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const weighted = (list: [string, number][]): string => {
      const total = list.reduce((sum, [, w]) => sum + w, 0);
      let r = random() * total;
      for (const [value, w] of list) if ((r -= w) < 0) return value;
      return list[list.length - 1]![0];
    };
    const now = this.clock.now().getTime();
    const zone = this.config.lenderTimeZone;

    const borrowers = Array.from({ length: DEMO_BORROWERS }, (_, i) => {
      const female = i % 2 === 0;
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[Math.floor(i / 2) % LAST.length]! + (female ? 'а' : '');
      return {
        externalId: `demo-b-${String(i + 1).padStart(4, '0')}`,
        name: `${first} ${last}`,
        phone: `+7999${String(1_000_000 + i * 7919).slice(-7)}`,
        email: random() < 0.7 ? `demo.borrower${i + 1}@example.ru` : null,
        locale: random() < 0.9 ? 'ru' : 'en',
        timeZone: pick(ZONES),
      };
    });
    const borrowerIds: string[] = (
      await manager.query(
        `INSERT INTO borrower (external_id, name, phone, email, locale, time_zone, created_at, updated_at)
         SELECT * , $7::timestamptz, $7::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         RETURNING id`,
        [
          borrowers.map((b) => b.externalId),
          borrowers.map((b) => b.name),
          borrowers.map((b) => b.phone),
          borrowers.map((b) => b.email),
          borrowers.map((b) => b.locale),
          borrowers.map((b) => b.timeZone),
          new Date(now - (DEMO_DAYS + 30) * DAY),
        ],
      )
    ).map((r: { id: string }) => r.id);

    const events: unknown[][] = [[], [], [], [], [], [], []];
    const invitations: unknown[][] = Array.from({ length: 16 }, () => []);
    const responses: unknown[][] = Array.from({ length: 12 }, () => []);
    const lows: {
      responseIndex: number;
      borrower: number;
      score: number;
      survey: SurveyInfo;
      submittedAt: number;
      tags: string[];
    }[] = [];
    const lowCount = new Map<number, number[]>();
    let eventNo = 0;
    for (let day = DEMO_DAYS; day >= 0; day--) {
      const perDay = Math.round(EVENTS_PER_DAY * (0.7 + random() * 0.6));
      for (let k = 0; k < perDay; k++) {
        const occurredAt = now - day * DAY - Math.floor(random() * DAY);
        if (occurredAt > now - 3_600_000) continue;
        const b = Math.floor(random() * DEMO_BORROWERS);
        const borrower = borrowers[b]!;
        const touchpoint = weighted(TOUCHPOINTS);
        const product = random() < 0.65 ? 'PDL' : 'installment';
        eventNo++;
        const eventIndex = events[0]!.length;
        events[0]!.push(`demo-e-${String(eventNo).padStart(6, '0')}`);
        events[1]!.push(borrowerIds[b]);
        events[2]!.push(touchpoint);
        events[3]!.push(product);
        events[4]!.push(`op-${1 + Math.floor(random() * 24)}`);
        events[5]!.push(new Date(occurredAt));
        events[6]!.push(randomBytes(32));
        // Most events get a survey; the rest were skipped by the contact policy.
        if (random() < 0.12) continue;
        const survey =
          touchpoint === 'collection'
            ? surveys.get('csi_collection')!
            : touchpoint === 'loan_issued' || touchpoint === 'repayment'
              ? touchpoint === 'repayment' && random() < 0.2
                ? surveys.get('cli_loyalty')!
                : surveys.get('nps_relationship')!
              : surveys.get('csi_service')!;
        const channel =
          survey.key === 'cli_loyalty'
            ? borrower.email
              ? 'email'
              : 'in_app'
            : weighted([
                ['sms', 60],
                ['email', borrower.email ? 25 : 0],
                ['in_app', 15],
              ]);
        const sendAt = occurredAt + 15 * 60_000;
        const expiresAt = sendAt + (survey.kind === 'CSI' ? 3 : 7) * DAY;
        const roll = random();
        const failed = roll < 0.03;
        const answered = !failed && roll < 0.38;
        const answeredAt = answered ? sendAt + Math.floor(random() * 20 * 3_600_000) + 60_000 : null;
        const pending = !answered && !failed && expiresAt > now;
        const status = failed
          ? 'failed'
          : answered && answeredAt! <= now
            ? 'answered'
            : pending || answered
              ? 'delivered'
              : 'expired';
        const invitationIndex = invitations[0]!.length;
        invitations[0]!.push(eventIndex);
        invitations[1]!.push(survey.id);
        invitations[2]!.push(borrowerIds[b]);
        invitations[3]!.push(channel);
        invitations[4]!.push(borrower.locale);
        invitations[5]!.push(randomBytes(32));
        invitations[6]!.push(status);
        invitations[7]!.push(new Date(sendAt));
        invitations[8]!.push(new Date(expiresAt));
        invitations[9]!.push(failed ? null : new Date(sendAt + 5_000));
        invitations[10]!.push(failed || channel === 'in_app' ? null : new Date(sendAt + 20_000));
        invitations[11]!.push(status === 'answered' ? new Date(answeredAt!) : null);
        invitations[12]!.push(status === 'expired' ? new Date(expiresAt) : null);
        invitations[13]!.push(failed ? new Date(sendAt + 5_000) : null);
        invitations[14]!.push(survey.version);
        invitations[15]!.push(new Date(occurredAt + 1_000));
        if (status !== 'answered') continue;
        // Scores skew high, as they do; collection contacts score lower.
        const harsh = touchpoint === 'collection' ? 0.4 : 0.22;
        const answers: Record<string, number> = {};
        for (const q of survey.questions) {
          const r = random();
          answers[q] =
            survey.kind === 'CSI'
              ? r < harsh * 0.5
                ? 1
                : r < harsh * 0.8
                  ? 2
                  : r < harsh
                    ? 3
                    : r < harsh + 0.3
                      ? 4
                      : 5
              : r < harsh
                ? Math.floor(random() * 7)
                : r < harsh + 0.22
                  ? 7 + Math.floor(random() * 2)
                  : 9 + Math.floor(random() * 2);
        }
        const values = survey.questions.map((q) => answers[q]!);
        const score =
          survey.kind === 'CLI'
            ? Math.round((values.reduce((a, v) => a + v, 0) / values.length) * 100) / 100
            : values[0]!;
        const low = score <= survey.threshold;
        const comment = low ? pick(LOW_COMMENTS) : random() < 0.3 ? pick(HIGH_COMMENTS) : null;
        const tags = low || comment ? tagComment(comment) : [];
        const responseIndex = responses[0]!.length;
        responses[0]!.push(invitationIndex);
        responses[1]!.push(survey.id);
        responses[2]!.push(borrowerIds[b]);
        responses[3]!.push(touchpoint);
        responses[4]!.push(channel);
        responses[5]!.push(product);
        responses[6]!.push(borrower.locale);
        responses[7]!.push(JSON.stringify(answers));
        responses[8]!.push(score);
        responses[9]!.push(low);
        responses[10]!.push(comment);
        responses[11]!.push(tags);
        if (low) {
          lows.push({ responseIndex, borrower: b, score, survey, submittedAt: answeredAt!, tags });
          lowCount.set(b, [...(lowCount.get(b) ?? []), answeredAt!]);
        }
      }
    }

    const eventIds: string[] = (
      await manager.query(
        `INSERT INTO contact_event (external_id, borrower_id, touchpoint, product, agent_ref, occurred_at, body_hash, outcome, received_at)
         SELECT e, b, t, p, a, o, h, '{"demo":true}'::json, o FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bytea[]) AS x(e, b, t, p, a, o, h)
         RETURNING id`,
        events,
      )
    ).map((r: { id: string }) => r.id);
    const invitationIds: string[] = (
      await manager.query(
        `INSERT INTO invitation (contact_event_id, survey_id, borrower_id, channel, locale, token_hash, status, send_at, expires_at, sent_at,
                                 delivered_at, answered_at, expired_at, failed_at, survey_version, created_at, attempts, last_error)
         SELECT * , CASE WHEN x.status = 'failed' THEN 3 ELSE 1 END, CASE WHEN x.status = 'failed' THEN 'permanent: invalid number' END
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bytea[], $7::text[], $8::timestamptz[], $9::timestamptz[],
                       $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::int[], $16::timestamptz[])
             AS x(e, s, b, c, l, h, status, sa, ea, se, de, an, ex, fa, v, cr)
         RETURNING id`,
        [(invitations[0] as number[]).map((i) => eventIds[i]), ...invitations.slice(1)],
      )
    ).map((r: { id: string }) => r.id);
    const submitted = (responses[0] as number[]).map((i) => invitations[11]![i] as Date);
    const responseIds: string[] = (
      await manager.query(
        `INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, product, locale, answers, score, low, comment, tags, source, submitted_at)
         SELECT i, s, b, t, c, p, l, a::jsonb, sc, lo, co, ARRAY(SELECT jsonb_array_elements_text(tg::jsonb)),
                CASE WHEN c = 'sms' THEN 'sms' WHEN c = 'in_app' THEN 'in_app' ELSE 'web' END, sub
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::boolean[],
                       $11::text[], $12::text[], $13::timestamptz[]) AS x(i, s, b, t, c, p, l, a, sc, lo, co, tg, sub)
         RETURNING id`,
        [
          (responses[0] as number[]).map((i) => invitationIds[i]),
          ...responses.slice(1, 11),
          (responses[11] as string[][]).map((t) => JSON.stringify(t)),
          submitted,
        ],
      )
    ).map((r: { id: string }) => r.id);

    await this.writeTasks(
      manager,
      lows,
      responseIds,
      borrowerIds,
      lowCount,
      agent,
      expert,
      now,
      zone,
      isWorkingDay,
      random,
      pick,
    );
  }

  private async writeTasks(
    manager: EntityManager,
    lows: {
      responseIndex: number;
      borrower: number;
      score: number;
      survey: SurveyInfo;
      submittedAt: number;
      tags: string[];
    }[],
    responseIds: string[],
    borrowerIds: string[],
    lowCount: Map<number, number[]>,
    agent: string,
    expert: string,
    now: number,
    zone: string,
    isWorkingDay: (day: string) => boolean,
    random: () => number,
    pick: <T>(list: readonly T[]) => T,
  ): Promise<void> {
    const complaints: unknown[][] = [];
    lows.sort((a, b) => a.submittedAt - b.submittedAt);
    for (const low of lows) {
      const earlier = (lowCount.get(low.borrower) ?? []).filter(
        (t) => t < low.submittedAt && t > low.submittedAt - DEMO_DAYS * DAY,
      ).length;
      const priority = callbackPriority({
        score: low.score,
        min: low.survey.min,
        max: low.survey.max,
        threshold: low.survey.threshold,
        earlierLows: earlier,
      });
      const created = new Date(low.submittedAt);
      const due = addWorkingDays(created, 1, zone, isWorkingDay);
      const ageDays = (now - low.submittedAt) / DAY;
      // Older tasks are finished; the last few days still sit in the queue or are being worked.
      const fate =
        ageDays < 2
          ? random() < 0.8
            ? 'open'
            : 'in_progress'
          : ageDays < 12
            ? pick(['open', 'open', 'in_progress', 'closed', 'complaint', 'complaint'])
            : random() < 0.65
              ? 'closed'
              : 'complaint';
      const reached =
        fate === 'complaint' ||
        (fate === 'closed' && random() < 0.75) ||
        (fate === 'in_progress' && random() < 0.4);
      const firstContact =
        reached || fate === 'closed'
          ? new Date(Math.min(now - 60_000, low.submittedAt + (0.2 + random() * 1.4) * DAY))
          : null;
      const closureReason = fate === 'closed' ? (reached ? 'not_a_complaint' : 'unreachable') : null;
      const [task] = (await manager.query(
        `INSERT INTO callback_task (response_id, borrower_id, status, priority, assignee_id, tags, first_contact_due_at, first_contact_at, escalated_at,
                                    attempt_count, closure_reason, closed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
        [
          responseIds[low.responseIndex],
          borrowerIds[low.borrower],
          fate,
          priority,
          fate === 'open' ? null : agent,
          low.tags,
          due,
          reached ? firstContact : null,
          fate === 'open' && due.getTime() < now ? new Date(due.getTime() + 3_600_000) : null,
          fate === 'open' ? 0 : closureReason === 'unreachable' ? 3 : 1,
          closureReason,
          fate === 'closed' ? new Date(Math.min(now - 30_000, low.submittedAt + 2 * DAY)) : null,
          created,
        ],
      )) as { id: string }[];
      if (fate === 'open') continue;
      const attempts =
        closureReason === 'unreachable'
          ? [0, 1, 2].map((d) => addWorkingDays(created, d + 1, zone, isWorkingDay))
          : [firstContact ?? new Date(Math.min(now - 60_000, low.submittedAt + DAY / 2))];
      for (const at of attempts) {
        const when = new Date(Math.min(now - 60_000, at.getTime()));
        await manager.query(
          `INSERT INTO callback_attempt (task_id, agent_id, result, note, attempted_at) VALUES ($1, $2, $3, $4, $5)`,
          [
            task!.id,
            agent,
            reached ? 'reached' : 'no_answer',
            reached ? 'Поговорили, выслушали претензию' : null,
            when,
          ],
        );
      }
      if (fate !== 'complaint') continue;
      const registered = new Date(Math.max(firstContact!.getTime(), low.submittedAt + 60_000));
      const dueAt = addWorkingDays(registered, 15, zone, isWorkingDay);
      const state =
        dueAt.getTime() < now - 2 * DAY
          ? random() < 0.85
            ? 'resolved'
            : 'under_review'
          : pick(['registered', 'under_review', 'resolved']);
      const classification =
        state === 'registered' ? null : pick(['justified', 'partly_justified', 'unjustified', 'unjustified']);
      const justified = classification === 'justified' || classification === 'partly_justified';
      const resolvedAt =
        state === 'resolved'
          ? new Date(Math.min(now - 60_000, registered.getTime() + (3 + random() * 20) * DAY))
          : null;
      complaints.push([
        task!.id,
        borrowerIds[low.borrower],
        low.tags.find((t) => t !== 'other') ?? 'other',
        pick(SUBSTANCES),
        state,
        registered,
        agent,
        dueAt,
        justified
          ? [
              pick([
                'breach_of_service_standard',
                'calculation_error',
                'incorrect_consultation',
                'improper_conduct',
              ]),
            ]
          : [],
        classification,
        classification
          ? justified
            ? 'Сотрудник нарушил скрипт разговора'
            : 'Претензия не подтвердилась по записи разговора'
          : null,
        classification ? (justified ? 'accept_with_redress' : 'reject_with_reasons') : null,
        justified ? 'Списаны пени за период просрочки' : null,
        state === 'resolved' ? 'Заёмщику дан письменный ответ' : null,
        justified ? 'Дополнительное обучение сотрудников по скрипту' : null,
        justified ? 'Руководитель колл-центра' : null,
        classification ? expert : null,
        resolvedAt,
      ]);
    }
    // Register numbers follow registration time within each year of the lender's zone, without gaps.
    complaints.sort((a, b) => (a[5] as Date).getTime() - (b[5] as Date).getTime());
    const lastByYear = new Map<number, number>();
    for (const complaint of complaints) {
      const year = DateTime.fromJSDate(complaint[5] as Date, { zone }).year;
      const seq = (lastByYear.get(year) ?? 0) + 1;
      lastByYear.set(year, seq);
      await manager.query(
        `INSERT INTO complaint (register_year, register_seq, task_id, borrower_id, received_via, category, substance, status, registered_at, registered_by,
                                due_at, criteria, classification, root_cause, response_type, redress, resolution, corrective_action, corrective_action_owner,
                                reviewer_id, resolved_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'callback', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $8, $8)`,
        [year, seq, ...complaint],
      );
      if (complaint[4] === 'resolved')
        await manager.query(
          `UPDATE callback_task SET status = 'closed', closure_reason = 'complaint_resolved', closed_at = $2 WHERE id = $1`,
          [complaint[0], complaint[17]],
        );
    }
    for (const [year, last] of lastByYear)
      await manager.query(`INSERT INTO complaint_counter (year, last_value) VALUES ($1, $2)`, [year, last]);
  }
}
