import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DayCounts, LenderCounts, RefreshMetricRollups } from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { CallbackHistory, callbackPriority, HistoricTask } from '@app/callbacks';
import { ComplaintHistory, HistoricComplaint } from '@app/complaints';
import { AppConfig } from '@app/config';
import { Clock } from '@app/core';
import { Rows } from '@app/database';
import {
  HISTORIC_EVENT_COLUMNS,
  HISTORIC_INVITATION_COLUMNS,
  HISTORIC_RESPONSE_COLUMNS,
  HistoricEvent,
  HistoricInvitation,
  HistoricResponse,
  isLowScore,
  primaryScore,
  SurveyCatalog,
  SurveyHistory,
  mentionsRegulator,
  tagComment,
} from '@app/surveys';
import { StaffUserService } from '@app/identity';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';

const DAY = 86_400_000;
export const DEMO_DAYS = 90;
export const DEMO_BORROWERS = 300;
const EVENTS_PER_DAY = 18;
/** The lender's loan applications a day, of which the demo's contacts are a small surveyed part. */
const APPLICATIONS_PER_DAY = 400;

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
  'Если не вернёте списанное, пишу жалобу в ЦБ и иду в суд',
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
/** A low answer of the demo's history, waiting for its callback task. */
interface DemoLow {
  responseIndex: number;
  borrower: number;
  score: number;
  survey: SurveyInfo;
  submittedAt: number;
  tags: string[];
  mentionsRegulator: boolean;
}

@Injectable()
export class DemoHistoryService {
  private readonly logger = new Logger(DemoHistoryService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendar: WorkingCalendar,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly rollups: RefreshMetricRollups,
    private readonly counts: LenderCounts,
    private readonly surveyHistory: SurveyHistory,
    private readonly catalog: SurveyCatalog,
    private readonly users: StaffUserService,
    private readonly callbacks: CallbackHistory,
    private readonly complaints: ComplaintHistory,
  ) {}

  async seed(): Promise<boolean> {
    const isWorkingDay = await this.calendar.lookup();
    const written = await this.db.transaction(async (manager) => {
      // One seeding at a time (two processes starting together); then only on an empty history.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('resonance:demo-history'))`);
      if (await this.surveyHistory.hasContacts(manager)) return false;
      const staff = await this.users.assignable();
      const agents = staff.filter((s) => s.role === 'agent').map((s) => s.id);
      const experts = staff.filter((s) => s.role === 'expert').map((s) => s.id);
      if (agents.length === 0 || experts.length === 0) return false;
      const surveys = await this.surveys();
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
      await this.counts.replaceDays(SYSTEM_ACTOR, this.lenderCounts(now));
    }
    return written;
  }

  /** The lender's own daily figures for the history's days, per product, as its systems would post them. */
  private lenderCounts(now: DateTime): DayCounts[] {
    const random = prng(20261201);
    const days: DayCounts[] = [];
    for (let back = DEMO_DAYS; back >= 1; back--) {
      const date = now.minus({ days: back }).toISODate()!;
      for (const [product, share] of [
        ['PDL', 0.65],
        ['installment', 0.35],
      ] as const) {
        const applications = Math.round(APPLICATIONS_PER_DAY * share * (0.8 + random() * 0.4));
        const loans = Math.round(applications * (0.55 + random() * 0.15));
        days.push({ date, product, counts: { applications, loans_issued: loans } });
      }
    }
    return days;
  }

  private async surveys(): Promise<Map<string, SurveyInfo>> {
    return new Map(
      (await this.catalog.programmes()).map((s) => [
        s.key,
        {
          id: s.id,
          version: s.version,
          key: s.key,
          kind: s.kind,
          min: s.questions[0]!.min,
          max: s.questions[0]!.max,
          threshold: s.lowScoreThreshold,
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
    const borrowerIds = await this.surveyHistory.insertBorrowers(
      manager,
      borrowers,
      new Date(now - (DEMO_DAYS + 30) * DAY),
    );

    const events = new Rows<HistoricEvent>(HISTORIC_EVENT_COLUMNS);
    const invitations: (Omit<HistoricInvitation, 'contact_event_id'> & { event: number })[] = [];
    const responses: (Omit<HistoricResponse, 'invitation_id'> & { invitation: number })[] = [];
    const lows: DemoLow[] = [];
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
        const eventIndex = events.length;
        events.push({
          external_id: `demo-e-${String(eventNo).padStart(6, '0')}`,
          borrower_id: borrowerIds[b]!,
          touchpoint,
          product,
          agent_ref: `op-${1 + Math.floor(random() * 24)}`,
          occurred_at: new Date(occurredAt),
          body_hash: randomBytes(32),
        });
        // Most events get a survey; the rest were skipped by the contact policy.
        if (random() < 0.12) continue;
        const survey =
          touchpoint === 'collection'
            ? surveys.get('csi_collection')!
            : touchpoint === 'loan_issued' || touchpoint === 'repayment'
              ? touchpoint === 'repayment' && random() < 0.2
                ? surveys.get('cli_loyalty')!
                : surveys.get('nps_transaction')!
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
        const invitationIndex = invitations.length;
        invitations.push({
          event: eventIndex,
          survey_id: survey.id,
          borrower_id: borrowerIds[b]!,
          channel,
          locale: borrower.locale,
          token_hash: randomBytes(32),
          status,
          send_at: new Date(sendAt),
          expires_at: new Date(expiresAt),
          sent_at: failed ? null : new Date(sendAt + 5_000),
          delivered_at: failed || channel === 'in_app' ? null : new Date(sendAt + 20_000),
          // Every answer was opened first; a quarter of the rest were opened and left.
          opened_at:
            status === 'answered'
              ? new Date(answeredAt! - 60_000)
              : !failed && invitationIndex % 4 === 0
                ? new Date(sendAt + 1_800_000)
                : null,
          answered_at: status === 'answered' ? new Date(answeredAt!) : null,
          expired_at: status === 'expired' ? new Date(expiresAt) : null,
          failed_at: failed ? new Date(sendAt + 5_000) : null,
          survey_version: survey.version,
          created_at: new Date(occurredAt + 1_000),
        });
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
        const score = primaryScore(
          survey.kind,
          survey.questions.map((q) => answers[q]!),
        );
        const low = isLowScore(score, survey.threshold);
        const comment = low ? pick(LOW_COMMENTS) : random() < 0.3 ? pick(HIGH_COMMENTS) : null;
        const tags = low || comment ? tagComment(comment) : [];
        const responseIndex = responses.length;
        responses.push({
          invitation: invitationIndex,
          survey_id: survey.id,
          borrower_id: borrowerIds[b]!,
          touchpoint,
          channel,
          product,
          locale: borrower.locale,
          answers: JSON.stringify(answers),
          score,
          low,
          comment,
          tags: JSON.stringify(tags),
          submitted_at: new Date(answeredAt!),
        });
        if (low) {
          lows.push({
            responseIndex,
            borrower: b,
            score,
            survey,
            submittedAt: answeredAt!,
            tags,
            mentionsRegulator: mentionsRegulator(comment),
          });
          lowCount.set(b, [...(lowCount.get(b) ?? []), answeredAt!]);
        }
      }
    }

    const eventIds = await this.surveyHistory.insertContactEvents(manager, events);
    const invitationRows = new Rows<HistoricInvitation>(HISTORIC_INVITATION_COLUMNS);
    for (const { event, ...invitation } of invitations)
      invitationRows.push({ contact_event_id: eventIds[event]!, ...invitation });
    const invitationIds = await this.surveyHistory.insertInvitations(manager, invitationRows);
    const responseRows = new Rows<HistoricResponse>(HISTORIC_RESPONSE_COLUMNS);
    for (const { invitation, ...response } of responses)
      responseRows.push({ invitation_id: invitationIds[invitation]!, ...response });
    const responseIds = await this.surveyHistory.insertResponses(manager, responseRows);

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
    lows: DemoLow[],
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
    const complaints: HistoricComplaint[] = [];
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
        mentionsRegulator: low.mentionsRegulator,
      });
      const created = new Date(low.submittedAt);
      const due = addWorkingDays(created, 1, zone, isWorkingDay);
      const ageDays = (now - low.submittedAt) / DAY;
      // Older tasks are finished; the last few days still sit in the queue or are being worked.
      const fate: HistoricTask['status'] =
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
      const taskId = await this.callbacks.insertTask(manager, {
        responseId: responseIds[low.responseIndex]!,
        borrowerId: borrowerIds[low.borrower]!,
        status: fate,
        priority,
        assigneeId: fate === 'open' ? null : agent,
        tags: low.tags,
        regulatorMentionAt: low.mentionsRegulator ? created : null,
        firstContactDueAt: due,
        firstContactAt: reached ? firstContact : null,
        escalatedAt: fate === 'open' && due.getTime() < now ? new Date(due.getTime() + 3_600_000) : null,
        attemptCount: fate === 'open' ? 0 : closureReason === 'unreachable' ? 3 : 1,
        closureReason,
        closedAt: fate === 'closed' ? new Date(Math.min(now - 30_000, low.submittedAt + 2 * DAY)) : null,
        createdAt: created,
      });
      if (fate === 'open') continue;
      const attempts =
        closureReason === 'unreachable'
          ? [0, 1, 2].map((d) => addWorkingDays(created, d + 1, zone, isWorkingDay))
          : [firstContact ?? new Date(Math.min(now - 60_000, low.submittedAt + DAY / 2))];
      for (const at of attempts) {
        const when = new Date(Math.min(now - 60_000, at.getTime()));
        await this.callbacks.insertAttempt(manager, {
          taskId,
          agentId: agent,
          result: reached ? 'reached' : 'no_answer',
          note: reached ? 'Поговорили, выслушали претензию' : null,
          attemptedAt: when,
        });
      }
      if (fate !== 'complaint') continue;
      const registered = new Date(Math.max(firstContact!.getTime(), low.submittedAt + 60_000));
      complaints.push(
        this.demoComplaint(
          {
            taskId,
            borrowerId: borrowerIds[low.borrower]!,
            category: low.tags.find((t) => t !== 'other') ?? 'other',
            receivedVia: 'callback',
            receivedAt: registered,
            registeredAt: registered,
            regulatorRef: null,
          },
          { agent, expert, now, zone, isWorkingDay, random, pick },
        ),
      );
    }
    // Besides the survey-born ones, the register of record holds complaints from every channel: letters
    // (some registered late), calls, email, the web form, and those the Bank of Russia or the SRO forwarded.
    const channelComplaints = Math.max(6, Math.round(complaints.length / 3));
    for (let i = 0; i < channelComplaints; i++) {
      // Every fifth is a letter that lay a few days before anyone registered it.
      const late = i % 5 === 0;
      const receivedVia = late
        ? 'letter'
        : pick(['letter', 'phone', 'phone', 'email', 'web', 'regulator', 'regulator', 'sro']);
      const receivedAt = new Date(now - (6 + random() * (DEMO_DAYS - 8)) * DAY);
      const lateBy = late ? 5 : random() * 0.8;
      const registeredAt = new Date(Math.min(now - 60_000, receivedAt.getTime() + lateBy * DAY));
      complaints.push(
        this.demoComplaint(
          {
            taskId: null,
            borrowerId: borrowerIds[Math.floor(random() * borrowerIds.length)]!,
            category: pick([
              'collection_conduct',
              'payments',
              'product_terms',
              'personal_data',
              'incorrect_consultation',
            ]),
            receivedVia,
            receivedAt,
            registeredAt,
            regulatorRef:
              receivedVia === 'regulator'
                ? `ОГ-2026-${String(100_000 + Math.floor(random() * 899_999))}`
                : receivedVia === 'sro'
                  ? `СРО-${String(1000 + Math.floor(random() * 8999))}`
                  : null,
          },
          { agent, expert, now, zone, isWorkingDay, random, pick },
        ),
      );
    }
    const resolvedTasks = await this.complaints.insert(manager, complaints, zone);
    for (const task of resolvedTasks)
      await this.callbacks.closeForResolvedComplaint(manager, task.taskId, task.resolvedAt);
  }

  /** A complaint's life so far, by its age: older ones resolved, some overdue, actions in every state. */
  private demoComplaint(
    c: Pick<
      HistoricComplaint,
      'taskId' | 'borrowerId' | 'category' | 'receivedVia' | 'receivedAt' | 'registeredAt' | 'regulatorRef'
    >,
    ctx: {
      agent: string;
      expert: string;
      now: number;
      zone: string;
      isWorkingDay: (day: string) => boolean;
      random: () => number;
      pick: <T>(list: readonly T[]) => T;
    },
  ): HistoricComplaint {
    const { now, random, pick } = ctx;
    const ours = addWorkingDays(c.registeredAt, 15, ctx.zone, ctx.isWorkingDay);
    // The regulator often wants its answer sooner than our fifteen working days.
    const dueAt =
      c.regulatorRef && random() < 0.5
        ? new Date(Math.min(ours.getTime(), c.registeredAt.getTime() + 10 * DAY))
        : ours;
    const status =
      dueAt.getTime() < now - 2 * DAY
        ? random() < 0.85
          ? 'resolved'
          : 'under_review'
        : pick(['registered', 'under_review', 'resolved'] as const);
    const classification =
      status === 'registered' ? null : pick(['justified', 'partly_justified', 'unjustified', 'unjustified']);
    const justified = classification === 'justified' || classification === 'partly_justified';
    const resolvedAt =
      status === 'resolved'
        ? new Date(Math.min(now - 60_000, c.registeredAt.getTime() + (3 + random() * 20) * DAY))
        : null;
    const actionDueAt = justified ? new Date(c.registeredAt.getTime() + (20 + random() * 30) * DAY) : null;
    const actionStatus = justified
      ? actionDueAt!.getTime() < now
        ? pick(['done', 'done', 'dropped', 'in_progress'] as const)
        : pick(['planned', 'in_progress', 'done'] as const)
      : null;
    return {
      ...c,
      substance: pick(SUBSTANCES),
      status,
      registeredBy: ctx.agent,
      dueAt,
      criteria: justified
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
      rootCause: classification
        ? justified
          ? 'Сотрудник нарушил скрипт разговора'
          : 'Претензия не подтвердилась по записи разговора'
        : null,
      responseType: classification ? (justified ? 'accept_with_redress' : 'reject_with_reasons') : null,
      redress: justified ? 'Списаны пени за период просрочки' : null,
      resolution: status === 'resolved' ? 'Заёмщику дан письменный ответ' : null,
      correctiveAction: justified ? 'Дополнительное обучение сотрудников по скрипту' : null,
      actionOwner: justified ? 'Руководитель колл-центра' : null,
      reviewerId: classification ? ctx.expert : null,
      resolvedAt,
      actionDueAt,
      actionStatus,
      actionNote:
        actionStatus === 'dropped'
          ? 'Скрипт заменён новым регламентом'
          : actionStatus === 'done'
            ? 'Обучение проведено'
            : null,
      actionClosedAt:
        actionStatus === 'done' || actionStatus === 'dropped'
          ? new Date(Math.min(now - 60_000, actionDueAt!.getTime()))
          : null,
    };
  }
}
