import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ContactEventInput, RecordContactEvents, ReviseSurvey } from '@app/surveys';
import { contactEvent } from '../factories/contact-event.factory';
import { domainContext } from '../support/domain-context';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('survey programme versions', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let db: TestDatabase;
  let ctx: INestApplicationContext;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await domainContext(db.url, clock);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await ctx.close();
    await db.drop();
  });

  const record = async () => {
    const [result] = await ctx
      .get(RecordContactEvents)
      .execute([contactEvent({ occurredAt: '2026-11-18T11:00:00+03:00' }) as unknown as ContactEventInput]);
    if (result!.outcome !== 'created' || !result!.body.invitation) throw new Error('expected an invitation');
    return result!.body.invitation.id;
  };
  const surveyOf = async (invitationId: string) =>
    (
      await sql.query(
        `SELECT s.version, s.low_score_threshold FROM invitation i JOIN survey s ON s.id = i.survey_id WHERE i.id = $1`,
        [invitationId],
      )
    ).rows[0];

  it('creates a new version on edit; earlier invitations keep theirs, new ones get the new one', async () => {
    const before = await record();
    const revised = await ctx
      .get(ReviseSurvey)
      .execute(SYSTEM_ACTOR, 'csi_service', { lowScoreThreshold: 2, delaySeconds: 0 });
    expect(revised.version).toBe(2);
    const after = await record();
    expect(await surveyOf(before)).toEqual({ version: 1, low_score_threshold: '3.00' });
    expect(await surveyOf(after)).toEqual({ version: 2, low_score_threshold: '2.00' });
    const { rows } = await sql.query(
      `SELECT version, is_current FROM survey WHERE key = 'csi_service' ORDER BY version`,
    );
    expect(rows).toEqual([
      { version: 1, is_current: false },
      { version: 2, is_current: true },
    ]);
    const audit = (await sql.query(`SELECT action, entity_id FROM audit_log WHERE action = 'survey.revised'`))
      .rows;
    expect(audit).toEqual([{ action: 'survey.revised', entity_id: 'csi_service' }]);
  });

  it.each([
    [{ lowScoreThreshold: 5 }, 'lowScoreThreshold'],
    [{ sampleRate: 1.5 }, 'sampleRate'],
    [{ channelOrder: ['pigeon'] }, 'channelOrder'],
    [{ questions: [] }, 'questions'],
    [{ expirySeconds: 10 }, 'expirySeconds'],
  ])('refuses %j, keeping the current version', async (changes, path) => {
    const current = (await sql.query(`SELECT version FROM survey WHERE key = 'csi_service' AND is_current`))
      .rows[0].version;
    await expect(
      ctx.get(ReviseSurvey).execute(SYSTEM_ACTOR, 'csi_service', changes as never),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      errors: expect.arrayContaining([expect.objectContaining({ path })]),
    });
    expect(
      (await sql.query(`SELECT version FROM survey WHERE key = 'csi_service' AND is_current`)).rows[0]
        .version,
    ).toBe(current);
  });

  it('refuses SMS for a three-question CLI', async () => {
    await expect(
      ctx.get(ReviseSurvey).execute(SYSTEM_ACTOR, 'cli_loyalty', { channelOrder: ['sms', 'email'] }),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ path: 'channelOrder' })],
    });
  });

  it('revises the campaigns-only programme (no touchpoint of its own): a new version, still matching no contact', async () => {
    const revised = await ctx
      .get(ReviseSurvey)
      .execute(SYSTEM_ACTOR, 'nps_relationship', { lowScoreThreshold: 5 });
    expect(revised).toMatchObject({ triggerTouchpoints: [], lowScoreThreshold: 5 });
    const { rows } = await sql.query(
      `SELECT trigger_touchpoints FROM survey WHERE key = 'nps_relationship' AND is_current`,
    );
    expect(rows).toEqual([{ trigger_touchpoints: [] }]);
  });
});
