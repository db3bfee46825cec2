import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Actor, SYSTEM_ACTOR } from '@app/audit';
import { CallbackWorkflow } from '@app/callbacks';
import { EditCalendar } from '@app/calendar';
import { ComplaintWorkflow } from '@app/complaints';
import { SendQueuedMessages } from '@app/messaging';
import { FixedClock } from '@app/core';
import { StaffUserService } from '@app/identity';
import { domainContext } from '../support/domain-context';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { seedTasks } from '../factories/low-scores';

// Friday 20 November 2026, 10:00 in Moscow.
const NOW = new Date('2026-11-20T07:00:00Z');

describe('callback queue and complaint workflow', () => {
  const clock = new FixedClock(NOW);
  let db: TestDatabase;
  let ctx: INestApplicationContext;
  let sql: Client;
  let agent: Actor;
  let agent2: Actor;
  let expert: Actor;
  let compliance: Actor;
  let callbacks: CallbackWorkflow;
  let complaints: ComplaintWorkflow;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await domainContext(db.url, clock);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    const users = ctx.get(StaffUserService);
    const make = async (role: 'agent' | 'expert' | 'compliance', name: string): Promise<Actor> => {
      const u = await users.create(SYSTEM_ACTOR, {
        email: `${name}@lender.test`,
        name,
        role,
        password: 'long-enough-password',
      });
      return { type: 'staff', id: u.id, role };
    };
    agent = await make('agent', 'anna');
    agent2 = await make('agent', 'boris');
    expert = await make('expert', 'egor');
    compliance = await make('compliance', 'cecilia');
    callbacks = ctx.get(CallbackWorkflow);
    complaints = ctx.get(ComplaintWorkflow);
  });
  afterAll(async () => {
    await sql.end();
    await ctx.close();
    await db.drop();
  });
  beforeEach(() => clock.set(NOW));

  const day = (n: number, hour = 10) => new Date(Date.UTC(2026, 10, 20 + n, hour - 3));

  it('takes a low score from the queue to a complaint resolved on time, and the audit log tells the story', async () => {
    const [taskId] = await seedTasks(db.url, 1);
    await sql.query(`UPDATE callback_task SET priority = 1000 WHERE id = $1`, [taskId]);
    let task = (await callbacks.takeNext(agent))!;
    expect(task).toMatchObject({ id: taskId, status: 'in_progress', assigneeId: agent.id });

    task = await callbacks.logAttempt(agent, task.id, task.version, { result: 'no_answer' });
    clock.set(day(3)); // Monday
    task = await callbacks.logAttempt(agent, task.id, task.version, { result: 'busy', note: 'занято' });
    task = await callbacks.logAttempt(agent, task.id, task.version, {
      result: 'reached',
      note: 'клиент недоволен списанием',
    });

    const registered = await complaints.register(agent, task.id, task.version, {
      substance: 'Двойное списание платежа 12 ноября',
    });
    expect(registered).toMatchObject({
      registerNo: expect.stringMatching(/^2026-\d{6}$/),
      status: 'registered',
    });
    // Registered Monday 23 November 2026: 15 working days → Monday 14 December.
    expect(registered.dueAt).toBe(new Date('2026-12-14T07:00:00Z').toISOString());
    const row = (
      await sql.query(`SELECT category, received_via FROM complaint WHERE id = $1`, [registered.id])
    ).rows[0];
    expect(row).toEqual({ category: 'payments', received_via: 'callback' });

    let complaint = await complaints.review(expert, registered.id, registered.version, {
      criteria: ['calculation_error', 'claim_confirmed'],
      classification: 'justified',
      rootCause: 'Повторная отправка платежа шлюзом',
      responseType: 'accept_with_redress',
      redress: 'Возврат второго списания',
      correctiveAction: 'Идемпотентность платёжного шлюза',
      correctiveActionOwner: 'Payments team',
    });
    clock.set(day(10));
    complaint = await complaints.resolve(expert, complaint.id, complaint.version, {
      resolution: 'Средства возвращены, клиент уведомлён',
      answerBy: 'sms',
    });
    const queued = (
      await sql.query(
        `SELECT status, channel, purpose, body_text FROM message WHERE purpose = 'complaint_answer'`,
      )
    ).rows;
    expect(queued).toEqual([
      {
        status: 'queued',
        channel: 'sms',
        purpose: 'complaint_answer',
        body_text: `Resonance: ответ по обращению ${registered.registerNo}: Средства возвращены, клиент уведомлён`,
      },
    ]);
    clock.set(day(10, 12));
    expect(await ctx.get(SendQueuedMessages).execute()).toEqual({ claimed: 1, sent: 1 });
    expect((await sql.query(`SELECT status FROM message WHERE purpose = 'complaint_answer'`)).rows).toEqual([
      { status: 'sent' },
    ]);
    expect(complaint).toMatchObject({ status: 'resolved', classification: 'justified', onTime: true });
    expect(
      (await sql.query(`SELECT status, closure_reason FROM callback_task WHERE id = $1`, [taskId])).rows[0],
    ).toEqual({ status: 'closed', closure_reason: 'complaint_resolved' });

    const story = (
      await sql.query(`SELECT action, actor_id FROM audit_log WHERE entity_id IN ($1, $2) ORDER BY id`, [
        taskId,
        registered.id,
      ])
    ).rows;
    expect(story.map((s) => s.action)).toEqual([
      'callback_task.taken',
      'callback_task.attempt_logged',
      'callback_task.attempt_logged',
      'callback_task.attempt_logged',
      'callback_task.complaint_registered',
      'complaint.registered',
      'complaint.reviewed',
      'complaint.resolved',
      'callback_task.closed',
    ]);
  });

  it('closes a task as not a complaint only after reaching the borrower', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    const version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    await expect(callbacks.close(agent, taskId!, version, 'not_a_complaint')).rejects.toMatchObject({
      code: 'conflict',
    });
    const reached = await callbacks.logAttempt(agent, taskId!, version, { result: 'reached' });
    const closed = await callbacks.close(agent, taskId!, reached.version, 'not_a_complaint');
    expect(closed.status).toBe('closed');
  });

  it('closes as unreachable only after three unsuccessful attempts on different days', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    let version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    for (const [n, hour, result] of [
      [0, 11, 'no_answer'],
      [0, 13, 'busy'],
      [3, 11, 'no_answer'],
    ] as const) {
      clock.set(day(n, hour));
      version = (await callbacks.logAttempt(agent, taskId!, version, { result })).version;
    }
    await expect(callbacks.close(agent, taskId!, version, 'unreachable')).rejects.toMatchObject({
      code: 'conflict',
    });
    clock.set(day(4, 11));
    version = (await callbacks.logAttempt(agent, taskId!, version, { result: 'wrong_number' })).version;
    expect((await callbacks.close(agent, taskId!, version, 'unreachable')).status).toBe('closed');
  });

  it('counts a call that did not get through again only ten minutes after the last attempt', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    let version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    clock.set(day(5, 11));
    version = (await callbacks.logAttempt(agent, taskId!, version, { result: 'no_answer' })).version;
    clock.set(new Date(day(5, 11).getTime() + 9 * 60_000));
    await expect(callbacks.logAttempt(agent, taskId!, version, { result: 'busy' })).rejects.toMatchObject({
      code: 'conflict',
    });
    // A conversation is never held back: the borrower may call in between.
    const reached = await callbacks.logAttempt(agent, taskId!, version, { result: 'reached' });
    clock.set(new Date(day(5, 11).getTime() + 20 * 60_000));
    await callbacks.logAttempt(agent, taskId!, reached.version, { result: 'no_answer' });
    const { rows } = await sql.query(
      `SELECT result FROM callback_attempt WHERE task_id = $1 ORDER BY attempted_at`,
      [taskId],
    );
    expect(rows.map((r) => r.result)).toEqual(['no_answer', 'reached', 'no_answer']);
  });

  it('refuses a stale version with 409 stale_version and changes nothing', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    const version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    await callbacks.logAttempt(agent, taskId!, version, { result: 'no_answer' });
    await expect(callbacks.logAttempt(agent, taskId!, version, { result: 'reached' })).rejects.toMatchObject({
      code: 'stale_version',
    });
    expect(
      (await sql.query(`SELECT count(*)::int AS n FROM callback_attempt WHERE task_id = $1`, [taskId]))
        .rows[0].n,
    ).toBe(1);
  });

  it('keeps agents to their own tasks, and assignment and review to experts', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    const version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    await expect(callbacks.logAttempt(agent2, taskId!, version, { result: 'reached' })).rejects.toMatchObject(
      { code: 'forbidden' },
    );
    await expect(callbacks.close(agent2, taskId!, version, 'not_a_complaint')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(callbacks.assign(agent, taskId!, version, agent2.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(callbacks.takeNext(compliance)).rejects.toMatchObject({ code: 'forbidden' });
    const reassigned = await callbacks.assign(expert, taskId!, version, agent2.id);
    expect(reassigned.assigneeId).toBe(agent2.id);
    const released = await callbacks.release(agent2, taskId!, reassigned.version);
    expect(released).toMatchObject({ status: 'open', assigneeId: null });
  });

  it('validates attempts: unknown result, a call-back time in the past, a note with control characters', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    const version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    await expect(callbacks.logAttempt(agent, taskId!, version, { result: 'maybe' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      callbacks.logAttempt(agent, taskId!, version, {
        result: 'call_back_later',
        callBackAt: '2026-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      callbacks.logAttempt(agent, taskId!, version, { result: 'no_answer', note: 'a\u0000b' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      callbacks.logAttempt(agent, 'not-a-uuid', version, { result: 'no_answer' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const later = await callbacks.logAttempt(agent, taskId!, version, {
      result: 'call_back_later',
      callBackAt: '2026-11-20T15:00:00Z',
    });
    expect(later.version).toBe(version + 1);
  });

  it('never gives two agents the same task: 100 rounds of two agents taking next at once', async () => {
    await sql.query(
      `UPDATE callback_task SET status = 'closed', closure_reason = 'not_a_complaint' WHERE status = 'open'`,
    );
    await seedTasks(db.url, 200);
    for (let round = 0; round < 100; round++) {
      const [a, b] = await Promise.all([callbacks.takeNext(agent), callbacks.takeNext(agent2)]);
      expect(a).not.toBeNull();
      expect(b).not.toBeNull();
      expect(a!.id).not.toBe(b!.id);
    }
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM callback_task WHERE status = 'in_progress' AND assignee_id IN ($1, $2) AND priority < 1000`,
      [agent.id, agent2.id],
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(200);
  });

  it('takes the highest priority first, then the earliest due', async () => {
    await sql.query(
      `UPDATE callback_task SET status = 'closed', closure_reason = 'not_a_complaint' WHERE status = 'open'`,
    );
    const [low, high, highLater] = await seedTasks(db.url, 3);
    await sql.query(`UPDATE callback_task SET priority = 10, first_contact_due_at = $2 WHERE id = $1`, [
      low,
      day(1),
    ]);
    await sql.query(`UPDATE callback_task SET priority = 90, first_contact_due_at = $2 WHERE id = $1`, [
      high,
      day(2),
    ]);
    await sql.query(`UPDATE callback_task SET priority = 90, first_contact_due_at = $2 WHERE id = $1`, [
      highLater,
      day(3),
    ]);
    expect((await callbacks.takeNext(agent))!.id).toBe(high);
    expect((await callbacks.takeNext(agent))!.id).toBe(highLater);
    expect((await callbacks.takeNext(agent))!.id).toBe(low);
    expect(await callbacks.takeNext(agent)).toBeNull();
  });

  it('numbers 1000 registrations, 100 at once, without a gap, even with rolled-back ones among them', async () => {
    await sql.query(`DELETE FROM complaint_counter WHERE year = 2026`).catch(() => undefined);
    const before = (
      await sql.query(
        `SELECT coalesce(max(register_seq), 0)::int AS n FROM complaint WHERE register_year = 2026`,
      )
    ).rows[0].n;
    await sql.query(
      `INSERT INTO complaint_counter (year, last_value) VALUES (2026, $1) ON CONFLICT (year) DO UPDATE SET last_value = $1`,
      [before],
    );
    const ids = await seedTasks(db.url, 1000, { assigneeId: agent.id });
    const versions = new Map(
      (await sql.query(`SELECT id, version FROM callback_task WHERE id = ANY($1)`, [ids])).rows.map((r) => [
        r.id,
        r.version,
      ]),
    );
    const rollbacks = Array.from({ length: 20 }, async () => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO complaint_counter (year, last_value) VALUES (2026, 1) ON CONFLICT (year) DO UPDATE SET last_value = complaint_counter.last_value + 1`,
      );
      await c.query('ROLLBACK');
      await c.end();
    });
    // 100 in flight at a time (ten times the pool): as much contention on the counter as 1000 at once,
    // without the last ones waiting longer for a pooled connection than the pool allows on a busy CI box.
    const register = async () => {
      const done: Awaited<ReturnType<ComplaintWorkflow['register']>>[] = [];
      for (let next = 0; next < ids.length; next += 100)
        done.push(
          ...(await Promise.all(
            ids
              .slice(next, next + 100)
              .map((id) => complaints.register(agent, id, versions.get(id), { substance: 'Жалоба' })),
          )),
        );
      return done;
    };
    const [registered] = await Promise.all([register(), ...rollbacks]);
    const results = registered;
    const numbers = results
      .filter((r): r is Awaited<ReturnType<ComplaintWorkflow['register']>> => !!r)
      .map((r) => Number(r.registerNo.slice(5)))
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 1000 }, (_, i) => before + i + 1));
  });

  it('extends a deadline once, by at most 10 working days, and refuses a second extension', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    const version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    const c = await complaints.register(agent, taskId!, version, {
      substance: 'x',
      category: 'product_terms',
    });
    await expect(
      complaints.extend(agent, c.id, c.version, {
        workingDays: 5,
        reason: 'r',
        borrowerNotifiedAt: NOW.toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      complaints.extend(expert, c.id, c.version, {
        workingDays: 11,
        reason: 'r',
        borrowerNotifiedAt: NOW.toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const extended = await complaints.extend(expert, c.id, c.version, {
      workingDays: 10,
      reason: 'Запрос документов у банка',
      borrowerNotifiedAt: NOW.toISOString(),
    });
    // due Friday 11 December 2026 + 10 working days → Friday 25 December
    expect(extended.extendedDueAt).toBe(new Date('2026-12-25T07:00:00Z').toISOString());
    await expect(
      complaints.extend(expert, c.id, extended.version, {
        workingDays: 1,
        reason: 'again',
        borrowerNotifiedAt: NOW.toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a justified classification without criteria or corrective action, and resolving before review', async () => {
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    const version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    const c = await complaints.register(agent, taskId!, version, { substance: 'x' });
    const base = { classification: 'justified', responseType: 'accept_with_redress', rootCause: 'r' };
    await expect(
      complaints.review(expert, c.id, c.version, {
        ...base,
        criteria: [],
        correctiveAction: 'a',
        correctiveActionOwner: 'o',
      }),
    ).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ path: 'criteria' })]),
    });
    await expect(
      complaints.review(expert, c.id, c.version, { ...base, criteria: ['breach_of_law'] }),
    ).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ path: 'correctiveAction' })]),
    });
    await expect(
      complaints.review(expert, c.id, c.version, {
        ...base,
        criteria: ["'; DROP TABLE complaint; --"],
        correctiveAction: 'a',
        correctiveActionOwner: 'o',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      complaints.review(agent, c.id, c.version, {
        ...base,
        criteria: ['breach_of_law'],
        correctiveAction: 'a',
        correctiveActionOwner: 'o',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(complaints.resolve(expert, c.id, c.version, { resolution: 'done' })).rejects.toMatchObject({
      code: 'conflict',
    });
    const unjustified = await complaints.review(expert, c.id, c.version, {
      classification: 'unjustified',
      criteria: [],
      responseType: 'explanation',
    });
    expect(unjustified.classification).toBe('unjustified');
  });

  it('lets an admin edit the calendar (audited), and deadlines follow the edit at once', async () => {
    const admin: Actor = {
      type: 'staff',
      id: (
        await ctx.get(StaffUserService).create(SYSTEM_ACTOR, {
          email: 'root@lender.test',
          name: 'R',
          role: 'admin',
          password: 'long-enough-password',
        })
      ).id,
      role: 'admin',
    };
    const edit = ctx.get(EditCalendar);
    await expect(edit.setDay(expert, { day: '2026-11-23', kind: 'holiday' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(edit.setDay(admin, { day: '2026-02-30', kind: 'holiday' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(edit.setDay(admin, { day: '2026-11-23', kind: 'party' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await edit.setDay(admin, { day: '2026-11-23', kind: 'holiday', note: 'regional holiday' });
    const [taskId] = await seedTasks(db.url, 1, { assigneeId: agent.id });
    const version = (await sql.query(`SELECT version FROM callback_task WHERE id = $1`, [taskId])).rows[0]
      .version;
    const c = await complaints.register(agent, taskId!, version, { substance: 'x' });
    // Friday 20 Nov + 15 working days, Monday 23 Nov now off → Monday 14 December
    expect(c.dueAt).toBe(new Date('2026-12-14T07:00:00Z').toISOString());
    expect(
      (await sql.query(`SELECT action FROM audit_log WHERE action = 'calendar.day_set'`)).rows,
    ).toHaveLength(1);
    await edit.setDay(admin, { day: '2026-11-23', kind: 'workday' });
  });
});
