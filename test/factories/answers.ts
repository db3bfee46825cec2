import { Client } from 'pg';

export interface Answer {
  survey: 'csi_service' | 'nps_relationship' | 'cli_loyalty';
  score: number;
  touchpoint?: string;
  channel?: string;
  /** null: an event without a product. */
  product?: string | null;
  at: string;
  /** Each question's answer (default: none recorded). */
  answers?: Record<string, number>;
  /** The comment's categories, as tagging would have set them. */
  tags?: string[];
  segment?: string;
  /** The contact event's agentRef. */
  operator?: string;
}

/** Answered invitations with these scores, straight into the tables (the way in is tested elsewhere). */
export async function answers(sql: Client, list: Answer[]): Promise<void> {
  for (const [i, a] of list.entries()) {
    const tag = `${Date.now()}-${i}-${Math.random().toString(36).slice(2)}`;
    await sql.query(
      `WITH b AS (INSERT INTO borrower (external_id, segment) VALUES ('m-' || $1, $9) RETURNING id),
            s AS (SELECT id, low_score_threshold FROM survey WHERE key = $2 AND is_current),
            e AS (INSERT INTO contact_event (external_id, borrower_id, touchpoint, product, agent_ref, occurred_at, body_hash, outcome)
                  SELECT 'm-' || $1, b.id, $4, $6, $10, $7, '\\x00', '{}' FROM b RETURNING id, borrower_id),
            i AS (INSERT INTO invitation (contact_event_id, survey_id, borrower_id, channel, locale, token_hash, status, send_at, expires_at, sent_at, answered_at, created_at)
                  SELECT e.id, s.id, e.borrower_id, $5, 'ru', sha256(e.id::text::bytea), 'answered', $7, $7::timestamptz + interval '3 days', $7, $7, $7 FROM e, s RETURNING id, survey_id, borrower_id)
       INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, product, locale, answers, score, low, tags, comment, source, submitted_at)
       SELECT i.id, i.survey_id, i.borrower_id, $4, $5, $6, 'ru', $8, $3, $3 <= s.low_score_threshold, $11,
              CASE WHEN cardinality($11::text[]) > 0 THEN 'комментарий' END, 'web', $7 FROM i, s`,
      [
        tag,
        a.survey,
        a.score,
        a.touchpoint ?? 'call',
        a.channel ?? 'sms',
        a.product === undefined ? 'PDL' : a.product,
        a.at,
        JSON.stringify(a.answers ?? {}),
        a.segment ?? null,
        a.operator ?? null,
        a.tags ?? [],
      ],
    );
  }
}
