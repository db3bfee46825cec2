import { Client } from 'pg';
import { Actor, SYSTEM_ACTOR } from '@app/audit';
import { CallbackTaskQueries, CallbackWorkflow, SweepOverdueTasks } from '@app/callbacks';
import { ComplaintQueries, ComplaintWorkflow, ReviewCriteria, SendDeadlineDigests } from '@app/complaints';
import { FixedClock } from '@app/core';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { SendQueuedMessages } from '@app/messaging';
import { WebhookEndpoints } from '@app/webhooks';
import { seedTasks } from '../factories/low-scores';
import { RunningApi, startTestApi } from '../support/api-app';
import { request } from '../support/http';

// Monday 2 November 2026, 10:00 in Moscow. Wednesday 4 November is a public holiday (Unity Day).
const MONDAY = new Date('2026-11-02T07:00:00Z');

const regulatorComplaint = (over: Record<string, unknown> = {}) => ({
  externalId: 'crm-c-771',
  receivedAt: '2026-10-30T16:40:00+03:00',
  channel: 'regulator',
  regulatorRef: 'ОГ-2026-118734',
  regulatorDueAt: '2026-11-20',
  borrower: { externalId: 'b-1001', name: 'Елена', phone: '+79991234567', email: 'elena@example.ru' },
  product: 'PDL',
  touchpoint: 'collection',
  category: 'collection_conduct',
  substance: 'Коллектор звонил родственникам',
  ...over,
});

describe('the complaint register of record', () => {
  const clock = new FixedClock(MONDAY);
  let api: RunningApi;
  let sql: Client;
  let writer: string;
  let reader: string;
  let agent: Actor;
  let expert: Actor;
  let admin: Actor;

  const post = (body: unknown, key = writer) =>
    request<Record<string, unknown>>(`${api.baseUrl}/api/v1/complaints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      json: body,
    });
  const count = async (table: string) =>
    Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  beforeAll(async () => {
    api = await startTestApi({ clock });
    const keys = api.app.get(ApiKeyService);
    writer = (await keys.create(SYSTEM_ACTOR, { name: 'crm', scopes: ['complaints:write'] })).secret;
    reader = (await keys.create(SYSTEM_ACTOR, { name: 'bi', scopes: ['complaints:read'] })).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const users = api.app.get(StaffUserService);
    const staff = async (role: 'agent' | 'expert' | 'admin'): Promise<Actor> => ({
      type: 'staff',
      role,
      id: (
        await users.create(SYSTEM_ACTOR, {
          email: `${role}@lender.test`,
          name: role,
          role,
          password: 'long-enough-password',
        })
      ).id,
    });
    agent = await staff('agent');
    expert = await staff('expert');
    admin = await staff('admin');
    await api.app
      .get(WebhookEndpoints)
      .create(SYSTEM_ACTOR, { url: 'https://crm.lender.test/hooks', events: ['complaint.registered'] });
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
  });

  it('registers a regulator-forwarded complaint, due on the regulator’s date when that is earlier than 15 working days', async () => {
    const created = await post(regulatorComplaint());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      registerNo: '2026-000001',
      registeredAt: MONDAY.toISOString(),
      receivedAt: '2026-10-30T13:40:00.000Z',
      // The end of 20 November in Moscow, before our 24 November.
      dueAt: '2026-11-20T20:59:59.999Z',
      status: 'registered',
    });
    const [row] = (
      await sql.query(
        `SELECT c.received_via, c.regulator_ref, c.registered_late, c.product, c.touchpoint, b.external_id, b.phone
           FROM complaint c JOIN borrower b ON b.id = c.borrower_id WHERE c.id = $1`,
        [created.body.id],
      )
    ).rows;
    expect(row).toEqual({
      received_via: 'regulator',
      regulator_ref: 'ОГ-2026-118734',
      registered_late: false,
      product: 'PDL',
      touchpoint: 'collection',
      external_id: 'b-1001',
      phone: '+79991234567',
    });
    const [hook] = (
      await sql.query(`SELECT payload FROM webhook_delivery WHERE event_type = 'complaint.registered'`)
    ).rows;
    expect(hook.payload.data).toMatchObject({ registerNo: '2026-000001', channel: 'regulator' });
  });

  it('answers the same externalId and body with the first answer, and refuses another body with 409', async () => {
    const first = await post(regulatorComplaint());
    expect(first.status).toBe(200);
    expect(first.body.registerNo).toBe('2026-000001');
    const reordered = await post({ ...regulatorComplaint(), borrower: { ...regulatorComplaint().borrower } });
    expect(reordered.status).toBe(200);
    const other = await post(regulatorComplaint({ substance: 'Другое' }));
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_conflict');
    expect(await count('complaint')).toBe(1);
  });

  it('counts 15 working days past the weekend and the holiday when the regulator’s date is later, and creates one complaint for concurrent duplicates', async () => {
    const body = regulatorComplaint({ externalId: 'crm-c-772', regulatorDueAt: '2026-12-15' });
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(body)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(11);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    // Mon 2 Nov + 15 working days, 4 Nov a holiday: Tuesday 24 November, the same hour.
    expect(answers[0]!.body.dueAt).toBe('2026-11-24T07:00:00.000Z');
    expect(answers[0]!.body.registerNo).toBe('2026-000002');
  });

  it('flags a letter registered later than the working day after its receipt, and finds the borrower by phone', async () => {
    // Received Thursday 29 October: due for registration by Friday 30 October; registered Monday.
    const late = await post({
      externalId: 'letter-1',
      receivedAt: '2026-10-29T12:00:00+03:00',
      channel: 'letter',
      borrower: { phone: '+79991234567' },
      substance: 'Письмо: прошу пересчитать проценты.\nПриложение: скан договора.',
    });
    expect(late.status).toBe(201);
    const onTime = await post({
      externalId: 'letter-2',
      receivedAt: '2026-10-30T18:00:00+03:00',
      channel: 'letter',
      borrower: { email: 'ELENA@example.ru' },
      substance: 'Письмо',
    });
    const rows = (
      await sql.query(
        `SELECT c.external_id, c.registered_late, b.external_id AS borrower FROM complaint c JOIN borrower b ON b.id = c.borrower_id
          WHERE c.external_id IN ('letter-1', 'letter-2') ORDER BY 1`,
      )
    ).rows;
    expect(rows).toEqual([
      { external_id: 'letter-1', registered_late: true, borrower: 'b-1001' },
      { external_id: 'letter-2', registered_late: false, borrower: 'b-1001' },
    ]);
    expect(onTime.status).toBe(201);
  });

  it('numbers complaints from every channel and from callbacks in one gap-free sequence', async () => {
    const [taskId] = await seedTasks(api.db.url, 1, { assigneeId: agent.id });
    const reached = await api.app
      .get(CallbackWorkflow)
      .logAttempt(agent, taskId!, 1, { result: 'reached', note: 'дозвонились' });
    const fromCallback = await api.app
      .get(ComplaintWorkflow)
      .register(agent, taskId!, reached.version, { substance: 'Списание' });
    const byPhone = await post({
      externalId: 'call-1',
      receivedAt: '2026-11-02T09:30:00+03:00',
      channel: 'phone',
      borrower: { externalId: 'b-2002', name: 'Пётр' },
      substance: 'Звонок на линию',
    });
    const numbers = (await sql.query(`SELECT register_seq FROM complaint ORDER BY register_seq`)).rows.map(
      (r) => r.register_seq,
    );
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fromCallback.registerNo).toBe('2026-000005');
    expect(byPhone.body.registerNo).toBe('2026-000006');
  });

  it('links a complaint to its contact event and to an earlier complaint of the same borrower only', async () => {
    await sql.query(
      `INSERT INTO contact_event (external_id, borrower_id, touchpoint, product, occurred_at, body_hash, outcome)
       SELECT 'crm-8841', id, 'collection', 'installment', now(), '\\x00', '{}' FROM borrower WHERE external_id = 'b-1001'`,
    );
    const linked = await post({
      externalId: 'web-1',
      receivedAt: '2026-11-02T09:00:00+03:00',
      channel: 'web',
      contactEventExternalId: 'crm-8841',
      repeatOf: '2026-000001',
      substance: 'Повторно о звонках родственникам',
    });
    expect(linked.status).toBe(201);
    const [row] = (
      await sql.query(
        `SELECT c.touchpoint, c.product, e.external_id AS event, p.register_no AS repeat_of
           FROM complaint c JOIN contact_event e ON e.id = c.contact_event_id JOIN complaint p ON p.id = c.repeat_of_id
          WHERE c.external_id = 'web-1'`,
      )
    ).rows;
    expect(row).toEqual({
      touchpoint: 'collection',
      product: 'installment',
      event: 'crm-8841',
      repeat_of: '2026-000001',
    });

    const before = await count('complaint');
    const otherBorrower = await post({
      externalId: 'web-2',
      receivedAt: '2026-11-02T09:00:00+03:00',
      channel: 'web',
      borrower: { externalId: 'b-2002' },
      repeatOf: '2026-000001',
      substance: 'Чужая жалоба',
    });
    expect(otherBorrower.status).toBe(400);
    expect(otherBorrower.body.errors).toEqual([{ path: 'repeatOf', message: expect.any(String) }]);
    const unknownEvent = await post({
      externalId: 'web-3',
      receivedAt: '2026-11-02T09:00:00+03:00',
      channel: 'web',
      borrower: { externalId: 'b-new-3' },
      contactEventExternalId: 'no-such-event',
      substance: 'Текст',
    });
    expect(unknownEvent.status).toBe(400);
    expect(await count('complaint')).toBe(before);
    // The borrower the refused complaint would have created was rolled back with it.
    expect((await sql.query(`SELECT 1 FROM borrower WHERE external_id = 'b-new-3'`)).rowCount).toBe(0);
  });

  it.each([
    ['an unknown channel', { channel: 'pigeon' }, 'channel'],
    ['a regulator complaint without its reference', { regulatorRef: undefined }, 'regulatorRef'],
    ['an SRO complaint with a blank reference', { channel: 'sro', regulatorRef: '  ' }, 'regulatorRef'],
    ['a receipt in the future', { receivedAt: '2026-11-03T10:00:00+03:00' }, 'receivedAt'],
    ['a receipt before 2000', { receivedAt: '1999-12-31T10:00:00+03:00' }, 'receivedAt'],
    ['an empty substance', { substance: '   ' }, 'substance'],
    ['a substance over 10,000 characters', { substance: 'я'.repeat(10_001) }, 'substance'],
    ['a substance with a NUL', { substance: 'a\u0000b' }, 'substance'],
    ['an unknown category', { category: 'weather' }, 'category'],
    ['an unknown touchpoint', { touchpoint: 'telepathy' }, 'touchpoint'],
    ['a regulator date before the receipt', { regulatorDueAt: '2026-10-01' }, 'regulatorDueAt'],
    ['no borrower at all', { borrower: {} }, 'borrower'],
    ['an unknown field', { priority: 'high' }, 'priority'],
  ])('refuses %s with 400 validation_failed and writes nothing', async (_, change, path) => {
    const complaints = await count('complaint');
    const borrowers = await count('borrower');
    const answer = await post(regulatorComplaint({ externalId: `bad-${path}`, ...change }));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect((answer.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    expect(await count('complaint')).toBe(complaints);
    expect(await count('borrower')).toBe(borrowers);
  });

  it('needs the complaints:write scope', async () => {
    const answer = await post(regulatorComplaint({ externalId: 'scope' }), reader);
    expect(answer.status).toBe(403);
    const none = await request(`${api.baseUrl}/api/v1/complaints`, {
      method: 'POST',
      json: regulatorComplaint(),
    });
    expect(none.status).toBe(401);
  });

  it('shows the new fields on the complaint and filters the list by channel and overdue', async () => {
    const list = await request<{ items: { receivedVia: string; registerNo: string; overdue: boolean }[] }>(
      `${api.baseUrl}/api/v1/complaints?channel=regulator`,
      { headers: { authorization: `Bearer ${reader}` } },
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.registerNo).sort()).toEqual(['2026-000001', '2026-000002']);
    expect(list.body.items.every((i) => i.receivedVia === 'regulator' && !i.overdue)).toBe(true);
    const bad = await request(`${api.baseUrl}/api/v1/complaints?channel=pigeon`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(bad.status).toBe(400);
  });

  describe('the expert’s work', () => {
    const workflow = () => api.app.get(ComplaintWorkflow);
    const queries = () => api.app.get(ComplaintQueries);
    const idOf = async (registerNo: string) =>
      (await sql.query(`SELECT id, version FROM complaint WHERE register_no = $1`, [registerNo])).rows[0] as {
        id: string;
        version: number;
      };

    it('lists open complaints by deadline: mine, unassigned, due soon (two working days past the holiday), overdue', async () => {
      const first = await idOf('2026-000001');
      await workflow().assign(expert, first.id, first.version, expert.id);
      // Registered a month ago: overdue now.
      await sql.query(
        `UPDATE complaint SET due_at = '2026-10-30T07:00:00Z' WHERE register_no = '2026-000003'`,
      );
      // Thursday 5 November is two working days from Monday (Wednesday is a holiday): due soon.
      await sql.query(
        `UPDATE complaint SET due_at = '2026-11-05T15:00:00Z' WHERE register_no = '2026-000004'`,
      );
      // Friday 6 November: three working days away.
      await sql.query(
        `UPDATE complaint SET due_at = '2026-11-06T07:00:00Z' WHERE register_no = '2026-000006'`,
      );
      const view = async (name: string) =>
        (await queries().workList(expert, name)).items.map((i) => i.registerNo);
      expect(await view('mine')).toEqual(['2026-000001']);
      expect(await view('overdue')).toEqual(['2026-000003']);
      expect(await view('due_soon')).toEqual(['2026-000004']);
      expect((await view('all'))[0]).toBe('2026-000003');
      expect(await view('unassigned')).not.toContain('2026-000001');
      expect(await queries().deadlineCounts()).toEqual({ dueSoon: 1, overdue: 1 });
      await expect(queries().workList(expert, 'everything')).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(workflow().assign(expert, first.id, first.version + 1, agent.id)).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });

    it('reviews against the lender’s criteria, keeps the text judged by after a rewording, and refuses an action due before registration', async () => {
      const criteria = api.app.get(ReviewCriteria);
      await expect(criteria.edit(expert, [{ en: 'New', ru: 'Новый' }])).rejects.toMatchObject({
        code: 'forbidden',
      });
      await criteria.edit(admin, [
        { en: 'Collector called relatives', ru: 'Коллектор звонил третьим лицам' },
      ]);
      const added = (await criteria.current()).find((c) => c.en === 'Collector called relatives')!;
      expect(added).toMatchObject({ key: expect.stringMatching(/^criterion_/), version: 1 });

      const c = await idOf('2026-000001');
      const review = {
        criteria: [added.key],
        classification: 'justified',
        rootCause: 'Скрипт коллектора',
        responseType: 'accept_with_redress',
        correctiveAction: 'Обучение коллекторов',
        correctiveActionOwner: 'Руководитель взыскания',
      };
      await expect(
        workflow().review(expert, c.id, c.version, { ...review, correctiveActionDueAt: '2026-10-30' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      const reviewed = await workflow().review(expert, c.id, c.version, {
        ...review,
        correctiveActionDueAt: '2026-11-30',
      });
      await criteria.edit(admin, [
        { key: added.key, en: 'Collector contacted third parties', ru: 'Звонки третьим лицам' },
      ]);
      expect((await criteria.current()).find((x) => x.key === added.key)).toMatchObject({ version: 2 });
      const detail = await queries().get(expert, reviewed.id);
      expect(detail.criteriaJudged).toEqual([
        {
          key: added.key,
          version: 1,
          en: 'Collector called relatives',
          ru: 'Коллектор звонил третьим лицам',
        },
      ]);
      expect(detail.correctiveActionStatus).toBe('planned');
      expect(detail.correctiveActionDueAt).toBe('2026-11-30T20:59:59.999Z');
      await expect(
        workflow().review(expert, c.id, reviewed.version, { ...review, criteria: ['no_such_criterion'] }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    });

    it('resolves, refuses to reopen an unresolved complaint, reopens a resolved one with the deadline counted again', async () => {
      const c = await idOf('2026-000001');
      await expect(
        workflow().reopen(expert, c.id, c.version, { reason: 'Заёмщик не согласен' }),
      ).rejects.toMatchObject({
        code: 'conflict',
      });
      const resolved = await workflow().resolve(expert, c.id, c.version, {
        resolution: 'Извинились, звонки прекращены',
      });
      expect(resolved.status).toBe('resolved');
      // A week later (Monday 9 November) the borrower disagrees.
      clock.set(new Date('2026-11-09T08:00:00Z'));
      try {
        await expect(workflow().reopen(expert, c.id, resolved.version, { reason: '' })).rejects.toMatchObject(
          {
            code: 'validation_failed',
          },
        );
        const reopened = await workflow().reopen(expert, c.id, resolved.version, {
          reason: 'Звонки продолжаются',
        });
        expect(reopened).toMatchObject({ status: 'registered', resolvedAt: null, extendedDueAt: null });
        // 15 working days from Monday 9 November: Monday 30 November, the same hour.
        expect(reopened.dueAt).toBe('2026-11-30T08:00:00.000Z');
        const detail = await queries().get(expert, c.id);
        expect(detail).toMatchObject({ reopenCount: 1, reopenReason: 'Звонки продолжаются' });
        const audit = (
          await sql.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [c.id])
        ).rows.map((r) => r.action);
        expect(audit).toEqual(expect.arrayContaining(['complaint.resolved', 'complaint.reopened']));
      } finally {
        clock.set(MONDAY);
      }
    });

    it('tracks the corrective action to done, independently of the resolution, and closes it for good', async () => {
      const c = await idOf('2026-000001');
      await expect(
        workflow().trackCorrectiveAction(expert, c.id, c.version, { status: 'dropped' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      const started = await workflow().trackCorrectiveAction(expert, c.id, c.version, {
        status: 'in_progress',
      });
      const done = await workflow().trackCorrectiveAction(expert, c.id, started.version, {
        status: 'done',
        note: 'Обучение проведено',
      });
      const detail = await queries().get(expert, done.id);
      expect(detail).toMatchObject({
        correctiveActionStatus: 'done',
        correctiveActionNote: 'Обучение проведено',
      });
      await expect(
        workflow().trackCorrectiveAction(expert, c.id, done.version, { status: 'in_progress' }),
      ).rejects.toMatchObject({ code: 'conflict' });
      const noAction = await idOf('2026-000006');
      await expect(
        workflow().trackCorrectiveAction(expert, noAction.id, noAction.version, { status: 'done' }),
      ).rejects.toMatchObject({ code: 'conflict' });
    });
  });

  describe('deadlines that warn', () => {
    const digests = () => api.app.get(SendDeadlineDigests);
    const at = async <T>(instant: string, run: () => Promise<T>): Promise<T> => {
      clock.set(new Date(instant));
      try {
        return await run();
      } finally {
        clock.set(MONDAY);
      }
    };

    it('emails each expert once a working morning: theirs due within two working days or overdue, and the unassigned ones; never on a weekend, a holiday or before nine', async () => {
      const due = (await sql.query(`SELECT id, version FROM complaint WHERE register_no = '2026-000004'`))
        .rows[0];
      await api.app.get(ComplaintWorkflow).assign(expert, due.id, due.version, expert.id);
      // Saturday, the Wednesday holiday, and Thursday 08:00 in Moscow: nothing.
      expect(await at('2026-11-07T08:00:00Z', () => digests().execute())).toBe(0);
      expect(await at('2026-11-04T08:00:00Z', () => digests().execute())).toBe(0);
      expect(await at('2026-11-05T05:00:00Z', () => digests().execute())).toBe(0);

      const runs = await Promise.all([digests().execute(), digests().execute(), digests().execute()]);
      expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await digests().execute()).toBe(0);
      const { rows } = await sql.query(
        `SELECT recipient, subject, body_text, transport, borrower_id FROM message WHERE purpose = 'deadline_digest'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ recipient: 'expert@lender.test', borrower_id: null });
      const [mine, unassigned] = (rows[0].body_text as string).split('---');
      expect(mine).toContain('№ 2026-000004');
      expect(unassigned).toContain('№ 2026-000003');
      expect(unassigned).toContain('срок истёк');
      // Register numbers and deadlines only: no borrower's name or phone.
      expect(rows[0].body_text).not.toMatch(/Елена|Пётр|\+7999/);
      expect(await api.app.get(SendQueuedMessages).execute()).toMatchObject({ sent: 1 });
    });

    it('sends nothing to an expert who turned the emails off', async () => {
      await sql.query(`UPDATE staff_user SET deadline_emails = false WHERE id = $1`, [expert.id]);
      // Tuesday 3 November, 09:30 in Moscow: a working morning.
      expect(await at('2026-11-03T06:30:00Z', () => digests().execute())).toBe(0);
      await sql.query(`UPDATE staff_user SET deadline_emails = true WHERE id = $1`, [expert.id]);
      expect(await at('2026-11-03T06:30:00Z', () => digests().execute())).toBe(1);
    });

    it('puts a task back in its agent’s list at the "call back at" time the agent logged, and leaves it with them', async () => {
      const [taskId] = await seedTasks(api.db.url, 1, {
        assigneeId: agent.id,
        dueAt: new Date(MONDAY.getTime() + 30 * 60_000),
      });
      await api.app.get(CallbackWorkflow).logAttempt(agent, taskId!, 1, {
        result: 'call_back_later',
        callBackAt: '2026-11-02T13:00:00+03:00',
      });
      const mine = async () =>
        (
          await api.app.get(CallbackTaskQueries).list({
            assigneeId: agent.id,
            status: 'in_progress',
            hideWaitingCallBacks: true,
          })
        ).items.map((t) => t.id);
      expect(await mine()).not.toContain(taskId);
      // 13:00 in Moscow: due again, first in mind; the SLA sweep raised it but left it with its agent.
      clock.set(new Date('2026-11-02T10:00:00Z'));
      try {
        await api.app.get(SweepOverdueTasks).execute();
        expect(await mine()).toContain(taskId);
        const [row] = (
          await sql.query(`SELECT status, assignee_id FROM callback_task WHERE id = $1`, [taskId])
        ).rows;
        expect(row).toEqual({ status: 'in_progress', assignee_id: agent.id });
      } finally {
        clock.set(MONDAY);
      }
    });

    it('returns a task its agent did not call by the first-contact due time to the queue, raised', async () => {
      const [taskId] = await seedTasks(api.db.url, 1, {
        assigneeId: agent.id,
        dueAt: new Date(MONDAY.getTime() - 60_000),
      });
      await api.app.get(SweepOverdueTasks).execute();
      const { rows } = await sql.query(
        `SELECT status, assignee_id, escalated_at FROM callback_task WHERE id = $1`,
        [taskId],
      );
      expect(rows[0]).toMatchObject({ status: 'open', assignee_id: null, escalated_at: MONDAY });
      const audit = (
        await sql.query(
          `SELECT before, after FROM audit_log WHERE entity_id = $1 AND action = 'callback_task.escalated'`,
          [taskId],
        )
      ).rows[0];
      expect(audit.before).toEqual({ status: 'in_progress', assigneeId: agent.id });
    });
  });
});
