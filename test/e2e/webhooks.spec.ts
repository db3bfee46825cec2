import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { DeliverWebhooks, signWebhook, WebhookEndpoints } from '@app/webhooks';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';
import { request } from '../support/http';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on loopback that answers with the statuses it is told to, then 200. */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(this.statuses.shift() ?? 200).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('outbound webhooks', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let receiver: Receiver;
  let secret: string;
  let key: string;
  let sql: Client;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    api = await startTestApi({ clock, env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    key = (
      await api.app
        .get(ApiKeyService)
        .create(SYSTEM_ACTOR, { name: 'app', scopes: ['events:write', 'surveys:in_app'] })
    ).secret;
    secret = (
      await api.app.get(WebhookEndpoints).create(SYSTEM_ACTOR, {
        url: receiver.url,
        events: ['invitation.in_app_created', 'response.received', 'callback_task.created'],
      })
    ).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
    await receiver.stop();
  });

  it('announces an in-app survey, its low response and the callback task, signed, each once', async () => {
    const posted = await request<{ invitation: { id: string } }>(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      json: contactEvent({
        occurredAt: '2026-11-18T11:00:00+03:00',
        touchpoint: 'chat',
        preferredChannel: 'in_app',
        borrower: { externalId: 'hook-borrower' },
      }),
      headers: { authorization: `Bearer ${key}` },
    });
    const id = posted.body.invitation.id;
    await api.app.get(DispatchInvitations).dispatchDue();
    await request(`${api.baseUrl}/api/v1/invitations/${id}/response`, {
      method: 'POST',
      json: { answers: { satisfaction: 1 }, comment: 'секретный комментарий' },
      headers: { authorization: `Bearer ${key}` },
    });
    await api.app.get(DeliverWebhooks).execute();
    await api.app.get(DeliverWebhooks).execute();

    const bodies = receiver.received.map(
      (r) => JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> },
    );
    expect(bodies.map((b) => b.type).sort()).toEqual([
      'callback_task.created',
      'invitation.in_app_created',
      'response.received',
    ]);
    expect(bodies.find((b) => b.type === 'invitation.in_app_created')!.data).toMatchObject({
      invitationId: id,
      borrowerExternalId: 'hook-borrower',
      survey: 'csi_service',
    });
    expect(bodies.find((b) => b.type === 'response.received')!.data).toMatchObject({
      invitationId: id,
      score: 1,
      low: true,
      source: 'in_app',
    });
    for (const r of receiver.received) {
      const signature = signWebhook(
        secret,
        r.headers['webhook-id'] as string,
        Number(r.headers['webhook-timestamp']),
        r.body,
      );
      expect(r.headers['webhook-signature']).toBe(signature);
      expect(JSON.parse(r.body).id).toBe(r.headers['webhook-id']);
    }
    expect(receiver.received.map((r) => r.body).join()).not.toContain('секретный');
  });

  it('retries a failing receiver with backoff and the same webhook-id, never losing the event', async () => {
    receiver.received.length = 0;
    receiver.statuses = [500, 503];
    const posted = await request<{ invitation: { id: string } }>(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      json: contactEvent({
        occurredAt: '2026-11-18T11:00:00+03:00',
        touchpoint: 'chat',
        preferredChannel: 'in_app',
      }),
      headers: { authorization: `Bearer ${key}` },
    });
    await api.app.get(DispatchInvitations).dispatchDue();
    for (let i = 0; i < 3; i++) {
      await api.app.get(DeliverWebhooks).execute();
      const next = (
        await sql.query(`SELECT max(next_attempt_at) AS at FROM webhook_delivery WHERE status = 'pending'`)
      ).rows[0].at;
      if (next) clock.set(next);
    }
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    const row = (
      await sql.query(`SELECT status, attempts FROM webhook_delivery WHERE event_key = $1`, [
        `invitation.in_app_created:${posted.body.invitation.id}`,
      ])
    ).rows[0];
    expect(row).toEqual({ status: 'delivered', attempts: 3 });
  });

  it('gives up after 24 hours of failures, and refuses bad endpoints', async () => {
    receiver.statuses = Array(100).fill(500);
    await request(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      json: contactEvent({
        occurredAt: '2026-11-18T11:00:00+03:00',
        touchpoint: 'chat',
        preferredChannel: 'in_app',
      }),
      headers: { authorization: `Bearer ${key}` },
    });
    await api.app.get(DispatchInvitations).dispatchDue();
    for (let i = 0; i < 100; i++) {
      await api.app.get(DeliverWebhooks).execute();
      const next = (
        await sql.query(`SELECT max(next_attempt_at) AS at FROM webhook_delivery WHERE status = 'pending'`)
      ).rows[0].at;
      if (!next) break;
      clock.set(next);
    }
    expect(
      (await sql.query(`SELECT count(*)::int AS n FROM webhook_delivery WHERE status = 'failed'`)).rows[0].n,
    ).toBe(1);
    receiver.statuses = [];
    const endpoints = api.app.get(WebhookEndpoints);
    await expect(
      endpoints.create(SYSTEM_ACTOR, { url: 'ftp://x', events: ['response.received'] }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      endpoints.create(SYSTEM_ACTOR, { url: 'https://u:p@x.example', events: ['response.received'] }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      endpoints.create(SYSTEM_ACTOR, { url: 'https://x.example', events: ['everything'] }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(
      (await sql.query(`SELECT secret_sealed FROM webhook_endpoint`)).rows.map((r) => r.secret_sealed).join(),
    ).not.toContain(secret.slice(6, 20));
  });

  it('shows an admin each endpoint’s refusals and its delivery log, and sends a signed test event on request', async () => {
    await api.app.get(StaffUserService).create(SYSTEM_ACTOR, {
      email: 'admin@lender.test',
      name: 'Ада',
      role: 'admin',
      password: 'long-enough-password',
    });
    const admin = new ConsoleClient(api.baseUrl);
    await admin.signIn('admin@lender.test', 'long-enough-password');
    const [{ id }] = (await sql.query(`SELECT id FROM webhook_endpoint ORDER BY created_at LIMIT 1`)).rows;

    // The receiver refuses: the list says so at once, not "0 failed" until the 24 hours are over.
    receiver.statuses = [500];
    const list = await admin.get('/console/admin/webhooks');
    await admin.post(`/console/admin/webhooks/${id}/test`);
    await api.app.get(DeliverWebhooks).execute();
    const refused = await admin.get('/console/admin/webhooks');
    expect(refused.text).toMatch(
      /data-testid="last-delivery"><span class="badge bad">Отклонена · 500<\/span>/,
    );
    expect(refused.text).toMatch(/<span class="bad"><b>1<\/b> повторяется<\/span>/);
    expect(list.status).toBe(200);

    // The retry goes through, signed like every delivery, with the same id; the log shows both answers.
    clock.set(
      (await sql.query(`SELECT max(next_attempt_at) AS at FROM webhook_delivery WHERE status = 'pending'`))
        .rows[0].at,
    );
    receiver.received.length = 0;
    await api.app.get(DeliverWebhooks).execute();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(JSON.parse(delivery!.body)).toMatchObject({ type: 'webhook.test', data: { test: true } });
    const signature = signWebhook(
      secret,
      delivery!.headers['webhook-id'] as string,
      Number(delivery!.headers['webhook-timestamp']),
      delivery!.body,
    );
    expect(delivery!.headers['webhook-signature']).toBe(signature);
    const log = await admin.get(`/console/admin/webhooks/${id}`);
    expect(log.text).toContain('data-testid="delivery-log"');
    expect(log.text).toMatch(/Тестовое событие<\/td>\s*<td data-label="Статус">Доставлена/);
    expect(log.text).toMatch(/<td data-label="Попыток">2<\/td>\s*<td data-label="Ответ получателя">HTTP 200/);
    const audited = await sql.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'webhook_endpoint.tested' AND entity_id = $1`,
      [id],
    );
    expect(audited.rows[0].n).toBe(1);
    // Without a session nothing is sent: the sign-in page, and still one test delivery.
    expect((await new ConsoleClient(api.baseUrl).post(`/console/admin/webhooks/${id}/test`)).status).toBe(
      303,
    );
    const tests = await sql.query(
      `SELECT count(*)::int AS n FROM webhook_delivery WHERE event_type = 'webhook.test'`,
    );
    expect(tests.rows[0].n).toBe(1);
  });
});
