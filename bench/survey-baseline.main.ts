import { createHash } from 'node:crypto';
import { parse } from 'node:querystring';
import Fastify from 'fastify';
import { Pool } from 'pg';

/**
 * The survey-page baseline: a bare Fastify handler doing the same SQL as Resonance's `POST /s/:token`
 * (look the link up, then lock the invitation, insert the response and mark the invitation answered in
 * one transaction) on a pool of the same size, answering the same 303. No validation, templates,
 * CSRF, rate limits or framework around it: what the submit costs at the least.
 */
async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parse(body as string)),
  );
  app.post<{ Params: { token: string }; Body: Record<string, string> }>('/s/:token', async (req, reply) => {
    const hash = createHash('sha256').update(req.params.token, 'utf8').digest();
    const found = await pool.query(
      `SELECT i.id, i.status, i.expires_at, i.survey_id, i.locale, r.score, r.low, r.comment, r.submitted_at
         FROM invitation i LEFT JOIN response r ON r.invitation_id = i.id WHERE i.token_hash = $1`,
      [hash],
    );
    if (!found.rows[0]) return reply.status(404).send();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `SELECT i.id, i.status, i.channel, i.locale, i.expires_at, i.survey_id, i.borrower_id, e.touchpoint, e.product,
                b.external_id AS borrower_external_id
           FROM invitation i JOIN contact_event e ON e.id = i.contact_event_id JOIN borrower b ON b.id = i.borrower_id
          WHERE i.token_hash = $1 FOR UPDATE OF i`,
        [hash],
      );
      const invitation = rows[0];
      const score = Number(req.body.q_satisfaction);
      await client.query(
        `INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, product, locale, answers, score, low, comment, tags, source, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (invitation_id) DO NOTHING RETURNING id`,
        [
          invitation.id,
          invitation.survey_id,
          invitation.borrower_id,
          invitation.touchpoint,
          invitation.channel,
          invitation.product,
          invitation.locale,
          JSON.stringify({ satisfaction: score }),
          score,
          score <= 3,
          null,
          [],
          'web',
          new Date(),
        ],
      );
      await client.query(
        `UPDATE invitation SET status = 'answered', answered_at = $2, remind_at = NULL WHERE id = $1`,
        [invitation.id, new Date()],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    return reply.status(303).header('Location', `/s/${req.params.token}/thanks`).send();
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.stdout.write('ready\n');
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => pool.end())
        .then(() => process.exit(0)),
  );
}

void main();
