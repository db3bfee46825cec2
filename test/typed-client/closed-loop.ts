// Compiled by the typed-client e2e test against types generated from the OpenAPI document at test
// time (./generated/api.ts, not committed): a field renamed in the document breaks this file's build.
import createClient, { Client, Middleware } from 'openapi-fetch';
import type { paths } from './generated/api';

export type ApiClient = Client<paths>;

export function apiClient(baseUrl: string, key: string, check?: Middleware): ApiClient {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` } });
  if (check) client.use(check);
  return client;
}

/** A contact event → its in-app invitation → a low answer → the callback task. */
export async function lowScoreToTask(
  client: ApiClient,
  dispatch: () => Promise<unknown>,
): Promise<{ eventExternalId: string; borrowerExternalId: string; invitationId: string; taskId: string }> {
  const me = await client.GET('/api/v1/api-keys/current');
  if (!me.data || me.data.scopes.length === 0) throw new Error('the key has no scopes');
  const suffix = Math.random().toString(36).slice(2, 10);
  const event = await client.POST('/api/v1/contact-events', {
    body: {
      externalId: `crm-${suffix}`,
      occurredAt: '2026-11-18T11:00:00+03:00',
      touchpoint: 'chat',
      product: 'PDL',
      agentRef: 'op-17',
      preferredChannel: 'in_app',
      borrower: { externalId: `b-${suffix}`, name: 'Елена', locale: 'ru', timeZone: 'Europe/Moscow' },
    },
  });
  const invitationId = event.data?.invitation?.id;
  if (!invitationId) throw new Error(`no invitation: ${JSON.stringify(event.error ?? event.data)}`);
  await dispatch();
  const pending = await client.GET('/api/v1/borrowers/{externalId}/pending-surveys', {
    params: { path: { externalId: `b-${suffix}` } },
  });
  const survey = pending.data?.items.find((i) => i.invitationId === invitationId)?.survey;
  if (!survey) throw new Error('the invitation is not pending');
  const answer = await client.POST('/api/v1/invitations/{id}/response', {
    params: { path: { id: invitationId } },
    body: { answers: { [survey.questions[0]!.id]: survey.questions[0]!.min }, comment: 'Списали дважды' },
  });
  if (!answer.data?.low || !answer.data.callbackTaskId) throw new Error('a low answer opened no task');
  const invitation = await client.GET('/api/v1/invitations/{id}', { params: { path: { id: invitationId } } });
  if (invitation.data?.status !== 'answered') throw new Error('the invitation is not answered');
  const task = await client.GET('/api/v1/callback-tasks/{id}', {
    params: { path: { id: answer.data.callbackTaskId } },
  });
  if (task.data?.event?.externalId !== `crm-${suffix}`) throw new Error('the task lost its event');
  if (task.data.campaign !== null) throw new Error('a contact’s task names a campaign');
  return {
    eventExternalId: `crm-${suffix}`,
    borrowerExternalId: `b-${suffix}`,
    invitationId,
    taskId: answer.data.callbackTaskId,
  };
}

/** The task's complaint as the register shows it, and a complaint the lender received by letter. */
export async function complaints(
  client: ApiClient,
  loop: { taskId: string; eventExternalId: string; borrowerExternalId: string },
): Promise<{ fromTask: string; fromLetter: string }> {
  const task = await client.GET('/api/v1/callback-tasks/{id}', { params: { path: { id: loop.taskId } } });
  const fromTask = task.data?.complaint?.id;
  if (!fromTask) throw new Error('the task has no complaint');
  const detail = await client.GET('/api/v1/complaints/{id}', { params: { path: { id: fromTask } } });
  if (detail.data?.callbackTaskId !== loop.taskId) throw new Error('the complaint lost its task');
  const letter = await client.POST('/api/v1/complaints', {
    body: {
      externalId: `letter-${loop.eventExternalId}`,
      receivedAt: '2026-11-17T16:40:00+03:00',
      channel: 'regulator',
      regulatorRef: 'ОГ-2026-118734',
      regulatorDueAt: '2026-11-30',
      borrower: { externalId: loop.borrowerExternalId },
      category: 'payments',
      substance: 'Повторно о двойном списании',
      contactEventExternalId: loop.eventExternalId,
      repeatOf: detail.data.registerNo,
    },
  });
  if (letter.data?.status !== 'registered') throw new Error(JSON.stringify(letter.error));
  const again = await client.POST('/api/v1/complaints', {
    body: {
      externalId: `letter-${loop.eventExternalId}`,
      receivedAt: '2026-11-17T16:40:00+03:00',
      channel: 'regulator',
      regulatorRef: 'ОГ-2026-118734',
      borrower: { externalId: loop.borrowerExternalId },
      substance: 'Другой текст',
    },
  });
  if (again.error?.code !== 'idempotency_conflict') throw new Error('a changed body was not refused');
  const page = await client.GET('/api/v1/complaints', {
    params: { query: { channel: 'regulator', limit: 10 } },
  });
  if (!page.data?.items.some((c) => c.id === letter.data!.id))
    throw new Error('the register lacks the letter');
  const tasks = await client.GET('/api/v1/callback-tasks', {
    params: { query: { status: 'complaint', limit: 5 } },
  });
  if (!tasks.data?.items.length) throw new Error('no task in the complaint state');
  const metrics = await client.GET('/api/v1/metrics', {
    params: { query: { from: '2026-11-01', to: '2026-11-30', kind: 'CSI', groupBy: 'week' } },
  });
  if (!metrics.data || metrics.data.totals.responses < 0) throw new Error('no metrics');
  const compared = await client.GET('/api/v1/metrics', {
    params: {
      query: { from: '2026-11-01', to: '2026-11-30', kind: 'CSI', groupBy: 'question', compare: 'year' },
    },
  });
  if (!compared.data?.totals.previous) throw new Error('no comparison');
  const counts = await client.PUT('/api/v1/counts/{date}', {
    params: { path: { date: '2026-11-17' } },
    body: { product: null, counts: { applications: 40, loans_issued: 25 } },
  });
  if (counts.data?.counts.applications !== 40) throw new Error('the counts were not taken');
  const ratios = await client.GET('/api/v1/metrics/ratios', {
    params: { query: { from: '2026-11-17', to: '2026-11-17' } },
  });
  if (ratios.data?.items[0]?.loansIssued !== 25) throw new Error('the ratios do not read the counts');
  // The low answer of the loop, with its comment, among the low answers with a comment.
  const answers = await client.GET('/api/v1/responses', {
    params: { query: { low: 'true', hasComment: 'true', limit: 50 } },
  });
  if (!answers.data?.items.some((r) => r.callbackTaskId === loop.taskId))
    throw new Error('the low answer is not among the responses');
  const batch = await client.POST('/api/v1/contact-events/batch', {
    body: {
      events: [
        {
          externalId: `batch-${loop.eventExternalId}`,
          occurredAt: '2026-11-18T10:00:00+03:00',
          touchpoint: 'repayment',
          borrower: { externalId: loop.borrowerExternalId },
        },
        { externalId: 'bad', occurredAt: 'yesterday', touchpoint: 'chat', borrower: { externalId: 'b' } },
      ],
    },
  });
  if (batch.data?.results.map((r) => r.status).join() !== '202,400') throw new Error('the batch went wrong');
  const health = await client.GET('/health/ready');
  if (health.data?.status !== 'ready') throw new Error('not ready');
  const bad = await client.POST('/api/v1/complaints', {
    body: { externalId: 'bad', receivedAt: 'yesterday', channel: 'letter', substance: '' },
  });
  if (bad.error?.code !== 'validation_failed' || !bad.error.errors?.length)
    throw new Error('bad input passed');
  return { fromTask, fromLetter: letter.data.id };
}

/** A relationship campaign: created, created again (the same answer), a page added, its progress, cancelled. */
export async function campaigns(client: ApiClient): Promise<{ id: string }> {
  const body = {
    externalId: 'typed-nps-q4',
    name: 'NPS Q4',
    survey: 'nps_relationship',
    spreadDays: 2,
    recipients: [
      {
        borrower: { externalId: 'typed-c-1', phone: '+79990001122', locale: 'ru' as const },
        product: 'installment',
        segment: 'repeat',
      },
    ],
  };
  const created = await client.POST('/api/v1/campaigns', { body });
  if (created.response.status !== 201 || created.data?.accepted !== 1)
    throw new Error('the campaign was not created');
  const again = await client.POST('/api/v1/campaigns', { body });
  if (again.response.status !== 200 || again.data?.id !== created.data.id)
    throw new Error('the campaign did not replay');
  const id = created.data.id;
  const page = await client.POST('/api/v1/campaigns/{id}/recipients', {
    params: { path: { id } },
    body: {
      recipients: [
        { borrower: { externalId: 'typed-c-2', email: 'c2@example.ru' } },
        { borrower: { externalId: 'typed-c-1' } },
        { borrower: { externalId: 'typed-c-3', phone: '8 999 000 11 22' } },
      ],
    },
  });
  if (page.data?.accepted !== 1 || page.data.skipped.duplicate !== 1 || page.data.rejected[0]?.index !== 2)
    throw new Error('the page went wrong');
  const progress = await client.GET('/api/v1/campaigns/{id}', { params: { path: { id } } });
  if (progress.data?.recipients !== 2 || progress.data.scheduled !== 2)
    throw new Error('the progress is wrong');
  const cancelled = await client.POST('/api/v1/campaigns/{id}/cancel', { params: { path: { id } } });
  if (cancelled.data?.status !== 'cancelled' || cancelled.data.scheduled !== 0)
    throw new Error('not cancelled');
  const refused = await client.POST('/api/v1/campaigns/{id}/recipients', {
    params: { path: { id } },
    body: { recipients: [{ borrower: { externalId: 'typed-c-4', phone: '+79990001123' } }] },
  });
  if (refused.error?.code !== 'conflict') throw new Error('a cancelled campaign took recipients');
  return { id };
}
