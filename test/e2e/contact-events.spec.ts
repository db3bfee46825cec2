import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService } from '@app/identity';
import { samplingDraw, SurveyCatalog } from '@app/surveys';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi } from '../support/api-app';
import { request } from '../support/http';

// Wednesday 2026-11-18, 12:00 in Moscow.
const NOW = new Date('2026-11-18T09:00:00Z');

describe('POST /api/v1/contact-events', () => {
  let api: RunningApi;
  let key: string;
  let sql: Client;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    api = await startTestApi({ clock });
    key = (
      await api.app
        .get(ApiKeyService)
        .create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write', 'surveys:in_app'] })
    ).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
  });
  beforeEach(() => clock.set(NOW));

  const post = (body: unknown, auth = key) =>
    request(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      json: body,
      headers: { authorization: `Bearer ${auth}` },
    });
  const count = async (table: string) =>
    (await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  async function withSurvey(key: string, change: string, work: () => Promise<void>): Promise<void> {
    const previous = (
      await sql.query(`SELECT active, sample_rate FROM survey WHERE key = $1 AND is_current`, [key])
    ).rows[0];
    await sql.query(`UPDATE survey SET ${change} WHERE key = $1 AND is_current`, [key]);
    api.app.get(SurveyCatalog).invalidate();
    try {
      await work();
    } finally {
      await sql.query(`UPDATE survey SET active = $2, sample_rate = $3 WHERE key = $1 AND is_current`, [
        key,
        previous.active,
        previous.sample_rate,
      ]);
      api.app.get(SurveyCatalog).invalidate();
    }
  }

  it.each([
    ['call', 'csi_service', 'sms', {}],
    ['chat', 'csi_service', 'email', { borrower: { phone: undefined, email: 'anna@example.ru' } }],
    ['email', 'csi_service', 'email', { preferredChannel: 'email', borrower: { email: 'anna@example.ru' } }],
    ['loan_issued', 'nps_transaction', 'sms', {}],
    ['collection', 'csi_collection', 'sms', {}],
  ])('surveys a %s with %s by %s after the programme delay', async (touchpoint, survey, channel, extra) => {
    const event = contactEvent({ touchpoint, ...(extra as object) });
    const response = await post(event);
    expect(response.status).toBe(202);
    const delayMinutes = { csi_service: 15, csi_collection: 30, nps_transaction: 60 }[survey as string]!;
    expect(response.body).toMatchObject({
      eventId: expect.any(String),
      invitation: {
        id: expect.any(String),
        status: 'scheduled',
        channel,
        survey,
        sendAt: new Date(NOW.getTime() + delayMinutes * 60_000).toISOString(),
      },
    });
  });

  it('sends the CLI to its sample of repayments and the NPS to the rest', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `repay-${i}`);
    const cliId = ids.find((id) => samplingDraw('cli_loyalty', id) < 0.2)!;
    const npsId = ids.find((id) => samplingDraw('cli_loyalty', id) >= 0.2)!;
    const cli = await post(
      contactEvent({ externalId: cliId, touchpoint: 'repayment', borrower: { email: 'cli@example.ru' } }),
    );
    const nps = await post(contactEvent({ externalId: npsId, touchpoint: 'repayment' }));
    expect(cli.body).toMatchObject({ invitation: { survey: 'cli_loyalty', channel: 'email' } });
    expect(nps.body).toMatchObject({ invitation: { survey: 'nps_transaction', channel: 'sms' } });
  });

  it('uses the in-app channel when the app asks for it', async () => {
    const response = await post(contactEvent({ touchpoint: 'chat', preferredChannel: 'in_app' }));
    expect(response.body).toMatchObject({ invitation: { channel: 'in_app', survey: 'csi_service' } });
  });

  it('moves a survey due in quiet hours to the next allowed minute in the borrower’s zone', async () => {
    // 21:30 in Novosibirsk (UTC+7) on a Wednesday + 15 min = 21:45 (allowed); a call at 21:50 → 22:05 → Thursday 08:00 = 01:00Z
    clock.set(new Date('2026-11-18T14:55:00Z'));
    const response = await post(
      contactEvent({ occurredAt: '2026-11-18T21:50:00+07:00', borrower: { timeZone: 'Asia/Novosibirsk' } }),
    );
    expect(response.body).toMatchObject({ invitation: { sendAt: '2026-11-19T01:00:00.000Z' } });
  });

  it('surveys a late event at once instead of delaying it again', async () => {
    const response = await post(contactEvent({ occurredAt: '2026-11-18T10:00:00+03:00' }));
    expect(response.body).toMatchObject({ invitation: { sendAt: NOW.toISOString() } });
  });

  describe('skips with a reason', () => {
    it('no_survey_for_touchpoint when no active programme covers it', async () => {
      await withSurvey('csi_collection', 'active = false', async () => {
        expect((await post(contactEvent({ touchpoint: 'collection' }))).body).toMatchObject({
          invitation: null,
          skipped: 'no_survey_for_touchpoint',
        });
      });
    });

    it('sampled_out when no programme’s sample admits the event', async () => {
      await withSurvey('nps_transaction', 'sample_rate = 0', async () => {
        const id = Array.from({ length: 40 }, (_, i) => `sample-${i}`).find(
          (x) => samplingDraw('cli_loyalty', x) >= 0.2,
        )!;
        expect((await post(contactEvent({ externalId: id, touchpoint: 'repayment' }))).body).toMatchObject({
          skipped: 'sampled_out',
        });
      });
    });

    it('stale_event when the contact is older than the programme’s expiry', async () => {
      expect((await post(contactEvent({ occurredAt: '2026-11-10T12:00:00+03:00' }))).body).toMatchObject({
        skipped: 'stale_event',
      });
    });

    it('contact_cap for a second survey to the same borrower within 7 days, across programmes', async () => {
      const borrower = { externalId: `cap-${Date.now()}` };
      expect((await post(contactEvent({ borrower }))).status).toBe(202);
      const second = await post(contactEvent({ touchpoint: 'loan_issued', borrower }));
      expect(second.body).toMatchObject({ invitation: null, skipped: 'contact_cap' });
    });

    it('opted_out when the only channel the borrower has is opted out', async () => {
      const borrower = { externalId: `optout-${Date.now()}` };
      await post(contactEvent({ touchpoint: 'call', borrower, occurredAt: '2026-11-18T11:00:00+03:00' }));
      await sql.query(`UPDATE borrower SET sms_opted_out_at = now() WHERE external_id = $1`, [
        borrower.externalId,
      ]);
      await sql.query(
        `UPDATE invitation SET status = 'cancelled' WHERE borrower_id = (SELECT id FROM borrower WHERE external_id = $1)`,
        [borrower.externalId],
      );
      expect((await post(contactEvent({ borrower }))).body).toMatchObject({ skipped: 'opted_out' });
    });

    it('no_reachable_channel when the borrower has neither phone nor email', async () => {
      const response = await post(contactEvent({ borrower: { phone: undefined } }));
      expect(response.body).toMatchObject({ skipped: 'no_reachable_channel' });
    });
  });

  describe('idempotency by externalId', () => {
    it('answers the same body again with 200 and the first answer, and records one event', async () => {
      const event = contactEvent();
      const first = await post(event);
      const reordered = Object.fromEntries(Object.entries(event).reverse());
      const again = await post(reordered);
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(
        (
          await sql.query(`SELECT count(*)::int AS n FROM contact_event WHERE external_id = $1`, [
            event.externalId,
          ])
        ).rows[0].n,
      ).toBe(1);
    });

    it('answers a different body with 409 idempotency_conflict and changes nothing', async () => {
      const event = contactEvent();
      await post(event);
      const borrowerBefore = (
        await sql.query(`SELECT name FROM borrower WHERE external_id = $1`, [
          (event.borrower as { externalId: string }).externalId,
        ])
      ).rows[0];
      const response = await post({
        ...event,
        borrower: { ...(event.borrower as object), name: 'Someone else' },
      });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'idempotency_conflict' });
      const borrowerAfter = (
        await sql.query(`SELECT name FROM borrower WHERE external_id = $1`, [
          (event.borrower as { externalId: string }).externalId,
        ])
      ).rows[0];
      expect(borrowerAfter).toEqual(borrowerBefore);
    });

    it('creates one event and one invitation from 50 concurrent duplicates', async () => {
      const event = contactEvent();
      const responses = await Promise.all(Array.from({ length: 50 }, () => post(event)));
      expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
      expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
      expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
      const { rows } = await sql.query(
        `SELECT count(DISTINCT e.id)::int AS events, count(i.id)::int AS invitations
           FROM contact_event e LEFT JOIN invitation i ON i.contact_event_id = e.id WHERE e.external_id = $1`,
        [event.externalId],
      );
      expect(rows[0]).toEqual({ events: 1, invitations: 1 });
    });
  });

  describe('the contact cap under concurrency', () => {
    it('invites a known borrower once when 20 of their contacts arrive at the same moment', async () => {
      const borrower = { externalId: `burst-${Date.now()}` };
      // Known to us, with no invitation that counts towards the cap.
      await post(contactEvent({ borrower }));
      await sql.query(
        `UPDATE invitation SET status = 'cancelled' WHERE borrower_id = (SELECT id FROM borrower WHERE external_id = $1)`,
        [borrower.externalId],
      );
      const responses = await Promise.all(Array.from({ length: 20 }, () => post(contactEvent({ borrower }))));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
      expect(responses.filter((r) => (r.body as { invitation: unknown }).invitation !== null)).toHaveLength(
        1,
      );
      expect(
        responses.filter((r) => (r.body as { skipped?: string }).skipped === 'contact_cap'),
      ).toHaveLength(19);
      const { rows } = await sql.query(
        `SELECT count(*)::int AS borrowers, (SELECT count(*)::int FROM invitation i WHERE i.borrower_id = min(b.id::text)::uuid AND i.status <> 'cancelled') AS invitations
           FROM borrower b WHERE b.external_id = $1`,
        [borrower.externalId],
      );
      expect(rows[0]).toEqual({ borrowers: 1, invitations: 1 });
    });
  });

  describe('bad input: 400 validation_failed naming the field, nothing written', () => {
    const cases: [string, (e: Record<string, unknown>) => unknown, string][] = [
      ['a missing externalId', ({ externalId: _, ...e }) => e, 'externalId'],
      ['an unknown field', (e) => ({ ...e, role: 'admin' }), 'role'],
      [
        'an unknown borrower field',
        (e) => ({ ...e, borrower: { ...(e.borrower as object), isAdmin: true } }),
        'borrower.isAdmin',
      ],
      [
        'a malformed phone',
        (e) => ({ ...e, borrower: { ...(e.borrower as object), phone: '8 (999) 123-45-67' } }),
        'borrower.phone',
      ],
      [
        'a phone outside the numbering plan',
        (e) => ({ ...e, borrower: { ...(e.borrower as object), phone: '+70000000000' } }),
        'borrower.phone',
      ],
      [
        'an email with header injection',
        (e) => ({ ...e, borrower: { ...(e.borrower as object), email: 'a@b.c\r\nBcc: x@y.z' } }),
        'borrower.email',
      ],
      [
        'an unknown time zone',
        (e) => ({ ...e, borrower: { ...(e.borrower as object), timeZone: 'Mars/Olympus' } }),
        'borrower.timeZone',
      ],
      [
        'an unknown locale',
        (e) => ({ ...e, borrower: { ...(e.borrower as object), locale: 'de' } }),
        'borrower.locale',
      ],
      ['an unknown touchpoint', (e) => ({ ...e, touchpoint: 'visit' }), 'touchpoint'],
      ['a date without offset', (e) => ({ ...e, occurredAt: '2026-11-18T12:00:00' }), 'occurredAt'],
      ['a date in the future', (e) => ({ ...e, occurredAt: '2026-12-01T12:00:00+03:00' }), 'occurredAt'],
      ['an impossible date', (e) => ({ ...e, occurredAt: '2026-02-30T12:00:00+03:00' }), 'occurredAt'],
      ['null for the borrower', (e) => ({ ...e, borrower: null }), 'borrower'],
      ['a number as externalId', (e) => ({ ...e, externalId: 42 }), 'externalId'],
      ['a 10k-character externalId', (e) => ({ ...e, externalId: 'x'.repeat(10_000) }), 'externalId'],
      ['a NUL byte', (e) => ({ ...e, externalId: 'crm-\u0000-1' }), 'externalId'],
      [
        'a right-to-left override in a name',
        (e) => ({ ...e, borrower: { ...(e.borrower as object), name: 'Ел\u202Eена' } }),
        'borrower.name',
      ],
      ['a zero-width space in an id', (e) => ({ ...e, externalId: 'crm\u200B-1' }), 'externalId'],
      ['an unknown channel', (e) => ({ ...e, preferredChannel: 'pigeon' }), 'preferredChannel'],
      ['nested attributes', (e) => ({ ...e, attributes: { a: { b: 1 } } }), 'attributes'],
    ];
    it.each(cases)('%s', async (_, mutate, path) => {
      const before = await count('contact_event');
      const response = await post(mutate(contactEvent()));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'validation_failed',
        errors: expect.arrayContaining([expect.objectContaining({ path })]),
      });
      expect(await count('contact_event')).toBe(before);
    });

    it('accepts Cyrillic, emoji and look-alike letters in names as data', async () => {
      const response = await post(contactEvent({ borrower: { name: 'Еlena Иванoва 👩‍💼' } }));
      expect(response.status).toBe(202);
    });

    it('refuses SQL fragments in ids as ordinary data, not code', async () => {
      const response = await post(contactEvent({ externalId: "x'; DROP TABLE contact_event; --" }));
      expect(response.status).toBe(202);
      expect(await count('contact_event')).toBeGreaterThan(0);
    });
  });

  describe('POST /api/v1/contact-events/batch', () => {
    const batch = (events: unknown[]) =>
      request<{ results: { index: number; status: number; body: Record<string, unknown> }[] }>(
        `${api.baseUrl}/api/v1/contact-events/batch`,
        {
          method: 'POST',
          json: { events },
          headers: { authorization: `Bearer ${key}` },
        },
      );

    it('answers each event on its own: one bad event does not fail the others', async () => {
      const good = contactEvent();
      const replay = contactEvent();
      await post(replay);
      const conflicting = { ...replay, touchpoint: 'chat' };
      const response = await batch([
        good,
        { ...contactEvent(), borrower: { externalId: 'x', phone: 'nope' } },
        replay,
        conflicting,
        good,
        'not an object',
      ]);
      expect(response.status).toBe(200);
      expect(response.body.results.map((r) => r.status)).toEqual([202, 400, 200, 409, 200, 400]);
      expect(response.body.results[1]!.body).toMatchObject({
        code: 'validation_failed',
        errors: [expect.objectContaining({ path: 'borrower.phone' })],
      });
      expect(response.body.results[4]!.body).toEqual(response.body.results[0]!.body);
    });

    it('refuses an item whose attributes PostgreSQL cannot store (NUL, a lone surrogate) alone, so a retry of the rest succeeds', async () => {
      const good = contactEvent();
      const response = await batch([
        good,
        { ...contactEvent(), attributes: { note: 'a\u0000b' } },
        { ...contactEvent(), attributes: { ['key\ud800']: 'x' } },
        { ...contactEvent(), attributes: { note: 'half \udc00 pair' } },
      ]);
      expect(response.status).toBe(200);
      expect(response.body.results.map((r) => r.status)).toEqual([202, 400, 400, 400]);
      for (const result of response.body.results.slice(1))
        expect(result.body).toMatchObject({
          code: 'validation_failed',
          errors: [expect.objectContaining({ path: 'attributes' })],
        });
      const single = await post({ ...contactEvent(), attributes: { note: 'a\u0000b' } });
      expect(single.status).toBe(400);
    });

    it('applies the contact cap inside one batch', async () => {
      const borrower = { externalId: `batch-cap-${Date.now()}` };
      const response = await batch([
        contactEvent({ borrower }),
        contactEvent({ borrower, touchpoint: 'loan_issued' }),
      ]);
      expect(response.body.results[0]!.status).toBe(202);
      expect(response.body.results[1]!.body).toMatchObject({ skipped: 'contact_cap' });
    });

    it('refuses more than 1000 events and an empty batch', async () => {
      expect((await batch(Array.from({ length: 1001 }, () => ({})))).status).toBe(400);
      expect((await batch([])).status).toBe(400);
    });
  });

  describe('GET /api/v1/invitations/:id', () => {
    it('shows a scheduled invitation', async () => {
      const created = await post(contactEvent());
      const id = (created.body as { invitation: { id: string } }).invitation.id;
      const response = await request(`${api.baseUrl}/api/v1/invitations/${id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id,
        status: 'scheduled',
        channel: 'sms',
        survey: 'csi_service',
        sentAt: null,
        response: null,
      });
    });

    it.each(['00000000-0000-0000-0000-000000000000', 'not-a-uuid', "1' OR '1'='1"])(
      'answers 404 for %s',
      async (id) => {
        const response = await request(`${api.baseUrl}/api/v1/invitations/${encodeURIComponent(id)}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(response.status).toBe(404);
      },
    );
  });

  it('requires the events:write scope', async () => {
    const other = (
      await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'app', scopes: ['surveys:in_app'] })
    ).secret;
    expect((await post(contactEvent(), other)).status).toBe(403);
  });
});

describe('random bodies never cause a 5xx', () => {
  let api: RunningApi;
  let key: string;
  beforeAll(async () => {
    api = await startTestApi();
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'fuzz', scopes: ['events:write'] }))
      .secret;
  });
  afterAll(() => api.close());

  it('answers arbitrary JSON on the single and batch endpoints with a 2xx or 4xx', async () => {
    const { default: fc } = await import('fast-check');
    const base = contactEvent();
    const mutated = fc.oneof(
      fc.anything(),
      fc.record(
        { ...Object.fromEntries(Object.keys(base).map((k) => [k, fc.anything()])) },
        { requiredKeys: [] },
      ),
      fc
        .record({
          borrower: fc.dictionary(
            fc.constantFrom('externalId', 'phone', 'email', 'timeZone', 'locale', 'name'),
            fc.anything(),
          ),
        })
        .map((b) => ({ ...base, ...b })),
    );
    await fc.assert(
      fc.asyncProperty(mutated, fc.boolean(), async (body, batch) => {
        const response = await fetch(`${api.baseUrl}/api/v1/contact-events${batch ? '/batch' : ''}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(batch ? { events: [body] } : body) ?? 'null',
        });
        return response.status < 500;
      }),
      { numRuns: 300 * Number(process.env.FC_RUNS_FACTOR ?? 1) },
    );
  });
});
