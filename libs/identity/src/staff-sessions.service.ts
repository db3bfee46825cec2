import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService, StaffRole } from '@app/audit';
import { AppConfig } from '@app/config';
import { Clock, constantTimeEqual, randomToken, secretDigest } from '@app/core';
import { queryRows } from '@app/database';
import { DataSource } from 'typeorm';
import { PasswordHasher } from './password-hasher';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

/** Failures per (email, address) pair before that pair waits; other addresses are not affected. */
export const PAIR_FAILURES = 5;
/** Failures per address across all emails (password spraying) before the address waits. */
export const ADDRESS_FAILURES = 50;
const THROTTLE_WINDOW_MS = 15 * 60_000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  locale: 'ru' | 'en';
  timeZone: string;
}

export interface StaffSession {
  id: string;
  user: SessionUser;
  /** The CSRF token every form of this session carries (derived, so nothing more is stored). */
  csrf: string;
  actor: Actor;
}

export type SignInResult =
  | { outcome: 'signed_in'; token: string; session: StaffSession }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

interface SessionRow {
  id: string;
  user_id: string;
  last_seen_at: Date;
  expires_at: Date;
  email: string;
  name: string;
  role: StaffRole;
  locale: 'ru' | 'en';
  time_zone: string;
}

/**
 * Console sign-in and sessions. The session token lives only in the browser's cookie; the database
 * keeps its SHA-256. A new token on every sign-in (no fixation), 30 minutes idle, 12 hours absolute,
 * sign-out here or everywhere. Failed sign-ins are throttled per (email, address) and per address,
 * so a stranger cannot lock a real user out by guessing from elsewhere.
 */
@Injectable()
export class StaffSessions {
  /** A real hash to verify against when the email is unknown, so timing does not reveal accounts. */
  private decoy: Promise<string> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async signIn(email: string, password: string, address: string): Promise<SignInResult> {
    const normalized = email.trim().toLowerCase().slice(0, 254);
    const keys = [this.throttleKey(`pair:${normalized}:${address}`), this.throttleKey(`address:${address}`)];
    const now = this.clock.now();
    const blocked = await this.countAttempt(keys, now);
    if (blocked > 0) return { outcome: 'throttled', retryAfterSeconds: blocked };

    const users: (Omit<SessionRow, 'id' | 'user_id' | 'last_seen_at' | 'expires_at'> & {
      id: string;
      password_hash: string;
    })[] = await this.db.query(
      `SELECT id, email, name, role, locale, time_zone, password_hash FROM staff_user
        WHERE lower(email) = $1 AND disabled_at IS NULL`,
      [normalized],
    );
    const user = users[0];
    const valid = await this.hasher.verify(user?.password_hash ?? (await this.decoyHash()), password);
    if (!user || !valid) return { outcome: 'invalid' };
    await this.forgiveAttempt(keys);
    const token = randomToken(32);
    const [session] = await queryRows<{ id: string }>(
      this.db.manager,
      `INSERT INTO staff_session (token_hash, user_id, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $3, $4) RETURNING id`,
      [secretDigest(token), user.id, now, new Date(now.getTime() + SESSION_ABSOLUTE_MS)],
    );
    const actor: Actor = { type: 'staff', id: user.id, role: user.role };
    await this.audit.record(actor, {
      action: 'staff_session.signed_in',
      entityType: 'staff_user',
      entityId: user.id,
    });
    return {
      outcome: 'signed_in',
      token,
      session: this.toSession(session!.id, token, {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        locale: user.locale,
        timeZone: user.time_zone,
      }),
    };
  }

  /** The live session of a cookie token, or null when unknown, revoked, idle too long or past 12 hours. */
  async resolve(token: string | undefined): Promise<StaffSession | null> {
    if (!token || token.length < 20 || token.length > 100) return null;
    const now = this.clock.now();
    const rows: SessionRow[] = await this.db.query(
      `SELECT s.id, s.user_id, s.last_seen_at, s.expires_at, u.email, u.name, u.role, u.locale, u.time_zone
         FROM staff_session s JOIN staff_user u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND u.disabled_at IS NULL
          AND s.expires_at > $2 AND s.last_seen_at > $3`,
      [secretDigest(token), now, new Date(now.getTime() - SESSION_IDLE_MS)],
    );
    const row = rows[0];
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS)
      await this.db.query(`UPDATE staff_session SET last_seen_at = $2 WHERE id = $1`, [row.id, now]);
    return this.toSession(row.id, token, {
      id: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      locale: row.locale,
      timeZone: row.time_zone,
    });
  }

  verifyCsrf(session: StaffSession, submitted: unknown): boolean {
    return typeof submitted === 'string' && constantTimeEqual(submitted, session.csrf);
  }

  async signOut(session: StaffSession): Promise<void> {
    await this.db.query(`UPDATE staff_session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [
      session.id,
      this.clock.now(),
    ]);
    await this.audit.record(session.actor, {
      action: 'staff_session.signed_out',
      entityType: 'staff_user',
      entityId: session.user.id,
    });
  }

  /** Ends every session of the user (this one included): "sign out everywhere". */
  async signOutEverywhere(actor: Actor, userId: string): Promise<number> {
    const ended = await queryRows<{ id: string }>(
      this.db.manager,
      `UPDATE staff_session SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, this.clock.now()],
    );
    await this.audit.record(actor, {
      action: 'staff_session.signed_out_everywhere',
      entityType: 'staff_user',
      entityId: userId,
      details: { sessions: ended.length },
    });
    return ended.length;
  }

  async setPreferences(session: StaffSession, locale: 'ru' | 'en', timeZone: string): Promise<void> {
    await this.db.query(`UPDATE staff_user SET locale = $2, time_zone = $3, updated_at = $4 WHERE id = $1`, [
      session.user.id,
      locale,
      timeZone,
      this.clock.now(),
    ]);
  }

  /** Whether the user gets the morning email of complaint deadlines. */
  async deadlineEmails(session: StaffSession): Promise<boolean> {
    const [row]: { deadline_emails: boolean }[] = await this.db.query(
      `SELECT deadline_emails FROM staff_user WHERE id = $1`,
      [session.user.id],
    );
    return row?.deadline_emails ?? false;
  }

  async setDeadlineEmails(session: StaffSession, on: boolean): Promise<void> {
    await this.db.query(`UPDATE staff_user SET deadline_emails = $2, updated_at = $3 WHERE id = $1`, [
      session.user.id,
      on,
      this.clock.now(),
    ]);
  }

  /** Whether the user gets the Monday email of the week's figures. */
  async weeklyDigest(session: StaffSession): Promise<boolean> {
    const [row]: { weekly_digest: boolean }[] = await this.db.query(
      `SELECT weekly_digest FROM staff_user WHERE id = $1`,
      [session.user.id],
    );
    return row?.weekly_digest ?? false;
  }

  async setWeeklyDigest(session: StaffSession, on: boolean): Promise<void> {
    await this.db.query(`UPDATE staff_user SET weekly_digest = $2, updated_at = $3 WHERE id = $1`, [
      session.user.id,
      on,
      this.clock.now(),
    ]);
  }

  private toSession(id: string, token: string, user: SessionUser): StaffSession {
    return {
      id,
      user,
      csrf: createHmac('sha256', this.config.appSecret)
        .update(`csrf:${secretDigest(token).toString('base64url')}`)
        .digest('base64url'),
      actor: { type: 'staff', id: user.id, role: user.role },
    };
  }

  private throttleKey(value: string): Buffer {
    return createHmac('sha256', this.config.appSecret).update(`sign-in:${value}`).digest();
  }

  /**
   * Counts this attempt before the password is checked, in one atomic upsert per key, and answers how
   * long the caller must wait (0: go ahead). Counting first is what makes the limit hold when many
   * attempts arrive at once: each one sees the count of those before it, whatever their outcome.
   * A key past its window starts counting again; a key over its limit is blocked for a window.
   */
  private async countAttempt(keys: Buffer[], now: Date): Promise<number> {
    const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
    const blockUntil = new Date(now.getTime() + THROTTLE_WINDOW_MS);
    const rows: { blocked_until: Date | null }[] = await this.db.query(
      `INSERT INTO sign_in_throttle AS t (key, failures, window_started_at)
       SELECT k, 1, $2 FROM unnest($1::bytea[]) WITH ORDINALITY AS u(k, n) ORDER BY n
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at < $3 THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at < $3 THEN $2 ELSE t.window_started_at END,
         blocked_until = CASE
           WHEN t.blocked_until > $2 THEN t.blocked_until
           WHEN t.window_started_at >= $3
                AND t.failures + 1 > (CASE WHEN t.key = $5 THEN $6::int ELSE $7::int END) THEN $4
           ELSE NULL END
       RETURNING blocked_until`,
      [keys, now, windowStart, blockUntil, keys[0], PAIR_FAILURES, ADDRESS_FAILURES],
    );
    const until = Math.max(0, ...rows.map((r) => r.blocked_until?.getTime() ?? 0));
    return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
  }

  /** A successful sign-in clears its pair and does not count against its address. */
  private async forgiveAttempt(keys: Buffer[]): Promise<void> {
    await this.db.query(
      `WITH pair AS (DELETE FROM sign_in_throttle WHERE key = $1)
       UPDATE sign_in_throttle SET failures = greatest(failures - 1, 0) WHERE key = $2`,
      [keys[0], keys[1]],
    );
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= this.hasher.hash(randomToken(16));
    return this.decoy;
  }
}
