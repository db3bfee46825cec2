import { Client } from 'pg';
import { Actor, SYSTEM_ACTOR } from '@app/audit';
import { CallbackWorkflow, SweepOverdueTasks } from '@app/callbacks';
import { ComplaintWorkflow } from '@app/complaints';
import { FixedClock } from '@app/core';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { seedTasks } from '../factories/low-scores';
import { RunningApi, startTestApi } from '../support/api-app';
import { request } from '../support/http';

const NOW = new Date('2026-11-20T07:00:00Z');

describe('callback tasks and complaints over the API', () => {
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let sql: Client;
  let reader: string;
  let agent: Actor;
  let expert: Actor;
  let complaintId: string;
  let taskWithComplaint: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    reader = (
      await api.app
        .get(ApiKeyService)
        .create(SYSTEM_ACTOR, { name: 'bi', scopes: ['tasks:read', 'complaints:read'] })
    ).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const users = api.app.get(StaffUserService);
    agent = {
      type: 'staff',
      id: (
        await users.create(SYSTEM_ACTOR, {
          email: 'a@l.test',
          name: 'A',
          role: 'agent',
          password: 'long-enough-password',
        })
      ).id,
      role: 'agent',
    };
    expert = {
      type: 'staff',
      id: (
        await users.create(SYSTEM_ACTOR, {
          email: 'e@l.test',
          name: 'E',
          role: 'expert',
          password: 'long-enough-password',
        })
      ).id,
      role: 'expert',
    };
    await seedTasks(api.db.url, 45);
    const [id] = await seedTasks(api.db.url, 1, { assigneeId: agent.id });
    taskWithComplaint = id!;
    const callbacks = api.app.get(CallbackWorkflow);
    const reached = await callbacks.logAttempt(agent, id!, 1, { result: 'reached', note: 'дозвонились' });
    const complaint = await api.app
      .get(ComplaintWorkflow)
      .register(agent, id!, reached.version, { substance: 'Списание' });
    const reviewed = await api.app.get(ComplaintWorkflow).review(expert, complaint.id, complaint.version, {
      classification: 'unjustified',
      criteria: [],
      responseType: 'explanation',
    });
    complaintId = reviewed.id;
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
  });

  const get = <T = Record<string, unknown>>(path: string, key = reader) =>
    request<T>(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('pages through the queue in queue order with keyset cursors, each task once', async () => {
    const seen: { id: string; priority: number; firstContactDueAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: typeof seen; nextCursor: string | null }; status: number } = await get(
        `/api/v1/callback-tasks?status=open&limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(45);
    expect(new Set(seen.map((t) => t.id)).size).toBe(45);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(
        a.priority > b.priority || (a.priority === b.priority && a.firstContactDueAt <= b.firstContactDueAt),
      ).toBe(true);
    }
  });

  it('shows one task with its attempts, complaint and contact event (how integrators join it to their CRM)', async () => {
    const task = await get<{ attemptsLog: unknown[]; complaint: { registerNo: string }; status: string }>(
      `/api/v1/callback-tasks/${taskWithComplaint}`,
    );
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({
      status: 'complaint',
      attemptsLog: [{ result: 'reached', note: 'дозвонились' }],
      complaint: { registerNo: expect.stringMatching(/^2026-/) },
      event: {
        externalId: expect.stringMatching(/^seed-/),
        touchpoint: 'call',
        occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        agentRef: null,
      },
    });
  });

  it('lists overdue tasks after the SLA sweep escalated them, once, whichever worker sweeps', async () => {
    await sql.query(`UPDATE callback_task SET first_contact_due_at = $1 WHERE status = 'open'`, [
      new Date(NOW.getTime() - 3600_000),
    ]);
    const sweeps = await Promise.all([
      api.app.get(SweepOverdueTasks).execute(),
      api.app.get(SweepOverdueTasks).execute(),
    ]);
    expect(sweeps.filter((n) => n === 45)).toHaveLength(1);
    expect(await api.app.get(SweepOverdueTasks).execute()).toBe(0);
    const overdue = await get<{ items: { overdue: boolean; escalated: boolean }[] }>(
      `/api/v1/callback-tasks?overdue=true&limit=200`,
    );
    expect(overdue.body.items).toHaveLength(45);
    expect(overdue.body.items.every((t) => t.overdue && t.escalated)).toBe(true);
    await sql.query(
      `UPDATE callback_task SET first_contact_due_at = $1 WHERE id = (SELECT id FROM callback_task WHERE status = 'open' LIMIT 1)`,
      [new Date(NOW.getTime() + 3600_000)],
    );
    const soon = await get<{ items: { dueSoon: boolean; overdue: boolean }[] }>(
      `/api/v1/callback-tasks?status=open&limit=200`,
    );
    expect(soon.body.items.filter((t) => t.dueSoon && !t.overdue)).toHaveLength(1);
    expect(
      (await sql.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'callback_task.escalated'`))
        .rows[0].n,
    ).toBe(45);
  });

  it('filters tasks by category and assignee, and complaints by category and status', async () => {
    expect(
      (await get<{ items: unknown[] }>(`/api/v1/callback-tasks?status=open&category=payments&limit=200`)).body
        .items,
    ).toHaveLength(45);
    expect(
      (await get<{ items: unknown[] }>(`/api/v1/callback-tasks?category=app_website`)).body.items,
    ).toHaveLength(0);
    const mine = await get<{ items: { id: string }[] }>(`/api/v1/callback-tasks?assigneeId=${agent.id}`);
    expect(mine.body.items.map((t) => t.id)).toEqual([taskWithComplaint]);
    expect(
      (await get<{ items: unknown[] }>(`/api/v1/complaints?category=payments&status=under_review`)).body
        .items,
    ).toHaveLength(1);
    expect((await get<{ items: unknown[] }>(`/api/v1/complaints?status=resolved`)).body.items).toHaveLength(
      0,
    );
    expect((await get(`/api/v1/callback-tasks?assigneeId=me`)).status).toBe(400);
    expect((await get(`/api/v1/complaints?category=everything`)).status).toBe(400);
    expect((await get<{ items: unknown[] }>(`/api/v1/complaints`)).body.items).toHaveLength(1);
  });

  it('lists and shows complaints, auditing every read', async () => {
    const mark = (await sql.query(`SELECT coalesce(max(id), 0) AS id FROM audit_log`)).rows[0].id;
    const list = await get<{ items: { id: string; registerNo: string; classification: string }[] }>(
      `/api/v1/complaints?from=2026-11-01&to=2026-11-30&classification=unjustified`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((c) => c.id)).toEqual([complaintId]);
    expect((await get(`/api/v1/complaints?from=2026-12-01`)).body).toMatchObject({ items: [] });
    const one = await get(`/api/v1/complaints/${complaintId}`);
    expect(one.body).toMatchObject({
      id: complaintId,
      substance: 'Списание',
      classification: 'unjustified',
      status: 'under_review',
    });
    const audit = (
      await sql.query(
        `SELECT action, actor_type FROM audit_log WHERE id > $1 AND action IN ('complaint.viewed', 'complaint.list_viewed') ORDER BY id`,
        [mark],
      )
    ).rows;
    expect(audit).toEqual([
      { action: 'complaint.list_viewed', actor_type: 'api_key' },
      { action: 'complaint.list_viewed', actor_type: 'api_key' },
      { action: 'complaint.viewed', actor_type: 'api_key' },
    ]);
  });

  it.each([
    '/api/v1/callback-tasks?status=lost',
    "/api/v1/callback-tasks?status=open'%20OR%201=1--",
    '/api/v1/callback-tasks?limit=0',
    '/api/v1/callback-tasks?limit=abc',
    '/api/v1/callback-tasks?limit=100000',
    '/api/v1/callback-tasks?cursor=not-a-cursor',
    '/api/v1/callback-tasks?sort=priority;DROP%20TABLE%20callback_task',
    '/api/v1/complaints?from=2026-13-45',
    '/api/v1/complaints?from=yesterday',
    '/api/v1/complaints?classification=maybe',
  ])('answers %s with 400', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation_failed' });
  });

  it('answers unknown ids with 404 and keys without the scope with 403', async () => {
    expect((await get('/api/v1/callback-tasks/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await get('/api/v1/complaints/null')).status).toBe(404);
    const events = (
      await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write'] })
    ).secret;
    expect((await get('/api/v1/callback-tasks', events)).status).toBe(403);
    expect((await get('/api/v1/complaints', events)).status).toBe(403);
  });
});
