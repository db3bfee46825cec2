import { MigrationInterface, QueryRunner } from 'typeorm';

const text = (ru: string, en: string) => JSON.stringify({ ru, en });

const CSI_LABELS = {
  minLabel: { ru: 'Очень плохо', en: 'Very poor' },
  maxLabel: { ru: 'Отлично', en: 'Excellent' },
};
const NPS_LABELS = {
  minLabel: { ru: 'Точно нет', en: 'Not at all likely' },
  maxLabel: { ru: 'Точно да', en: 'Extremely likely' },
};

/** The default survey programmes (design.md): editable by admins, each edit a new version. */
const DEFAULT_SURVEYS = [
  {
    key: 'csi_service',
    kind: 'CSI',
    name: 'Service satisfaction after a support contact',
    questions: [
      {
        id: 'satisfaction',
        text: {
          ru: 'Насколько вы довольны тем, как мы решили ваш вопрос?',
          en: 'How satisfied are you with how we handled your request?',
        },
        min: 1,
        max: 5,
        ...CSI_LABELS,
      },
    ],
    commentPrompt: text('Что нам стоит улучшить?', 'What should we improve?'),
    touchpoints: ['call', 'chat', 'email'],
    channels: ['sms', 'email', 'in_app'],
    delay: 15 * 60,
    expiry: 3 * 86400,
    reminder: 24 * 3600,
    sample: 1,
    low: 3,
    priority: 0,
  },
  {
    key: 'csi_collection',
    kind: 'CSI',
    name: 'Satisfaction after a collection contact',
    questions: [
      {
        id: 'satisfaction',
        text: {
          ru: 'Насколько корректно и понятно с вами общался наш сотрудник?',
          en: 'How respectful and clear was our conversation with you?',
        },
        min: 1,
        max: 5,
        ...CSI_LABELS,
      },
    ],
    commentPrompt: text('Расскажите, что было не так', 'Tell us what went wrong'),
    touchpoints: ['collection'],
    channels: ['sms', 'email', 'in_app'],
    delay: 30 * 60,
    expiry: 3 * 86400,
    reminder: null,
    sample: 1,
    low: 3,
    priority: 0,
  },
  {
    key: 'nps_relationship',
    kind: 'NPS',
    name: 'Likelihood to recommend after a loan or a repayment',
    questions: [
      {
        id: 'recommend',
        text: {
          ru: 'Насколько вероятно, что вы порекомендуете нас друзьям и знакомым?',
          en: 'How likely are you to recommend us to a friend or colleague?',
        },
        min: 0,
        max: 10,
        ...NPS_LABELS,
      },
    ],
    commentPrompt: text('Почему вы поставили такую оценку?', 'What is the main reason for your score?'),
    touchpoints: ['loan_issued', 'repayment'],
    channels: ['sms', 'email', 'in_app'],
    delay: 60 * 60,
    expiry: 7 * 86400,
    reminder: 48 * 3600,
    sample: 1,
    low: 6,
    priority: 0,
  },
  {
    key: 'cli_loyalty',
    kind: 'CLI',
    name: 'Customer loyalty index after a repayment (sample)',
    questions: [
      {
        id: 'recommend',
        text: { ru: 'Порекомендуете ли вы нас друзьям?', en: 'Would you recommend us to friends?' },
        min: 0,
        max: 10,
        ...NPS_LABELS,
      },
      {
        id: 'borrow_again',
        text: { ru: 'Обратитесь ли вы к нам снова?', en: 'Would you borrow from us again?' },
        min: 0,
        max: 10,
        ...NPS_LABELS,
      },
      {
        id: 'choose_over_others',
        text: {
          ru: 'Выберете ли вы нас, а не другую компанию?',
          en: 'Would you choose us over other lenders?',
        },
        min: 0,
        max: 10,
        ...NPS_LABELS,
      },
    ],
    commentPrompt: text('Что повлияло на ваши ответы?', 'What shaped your answers?'),
    touchpoints: ['repayment'],
    // Three questions do not fit an SMS reply: email and the app only.
    channels: ['email', 'in_app'],
    delay: 60 * 60,
    expiry: 7 * 86400,
    reminder: 48 * 3600,
    sample: 0.2,
    low: 6,
    priority: 10,
  },
];

export class SurveyProgrammesAndDispatch1795300100000 implements MigrationInterface {
  name = 'SurveyProgrammesAndDispatch1795300100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE survey ADD COLUMN priority integer NOT NULL DEFAULT 0;
      ALTER TABLE survey ADD CONSTRAINT survey_channels_known CHECK (channel_order <@ ARRAY['sms', 'email', 'in_app']::text[] AND cardinality(channel_order) > 0);
      CREATE INDEX survey_current_active_idx ON survey (priority DESC) WHERE is_current AND active;

      -- One row: the lender-wide contact policy (admins edit it in the console).
      CREATE TABLE contact_policy (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        cap_days integer NOT NULL DEFAULT 7 CHECK (cap_days >= 0),
        touchpoints text[] NOT NULL DEFAULT ARRAY['call', 'chat', 'email', 'loan_issued', 'repayment', 'collection'],
        quiet_workday_start time NOT NULL DEFAULT '08:00',
        quiet_workday_end time NOT NULL DEFAULT '22:00',
        quiet_dayoff_start time NOT NULL DEFAULT '09:00',
        quiet_dayoff_end time NOT NULL DEFAULT '20:00',
        max_send_attempts integer NOT NULL DEFAULT 6 CHECK (max_send_attempts > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contact_policy_windows CHECK (quiet_workday_start < quiet_workday_end AND quiet_dayoff_start < quiet_dayoff_end)
      );
      INSERT INTO contact_policy DEFAULT VALUES;

      -- SMS pacing shared by every worker: each send reserves the next free slot of its sender.
      CREATE TABLE sms_sender_pace (
        sender text PRIMARY KEY,
        next_slot_at timestamptz NOT NULL
      );

      ALTER TABLE invitation ADD COLUMN cancel_reason text;
      ALTER TABLE invitation ADD COLUMN survey_version integer;
      CREATE INDEX invitation_remind_idx ON invitation (remind_at) WHERE remind_at IS NOT NULL AND reminded_at IS NULL AND status IN ('sent', 'delivered');
      CREATE INDEX invitation_in_app_idx ON invitation (borrower_id) WHERE channel = 'in_app' AND status IN ('sent', 'delivered');
      CREATE INDEX invitation_borrower_recent_idx ON invitation (borrower_id, created_at) WHERE status NOT IN ('cancelled', 'failed');

      ALTER TABLE message ADD COLUMN sender text;
    `);
    for (const s of DEFAULT_SURVEYS) {
      await db.query(
        `INSERT INTO survey (key, version, is_current, kind, name, questions, comment_prompt, trigger_touchpoints, channel_order,
                             delay_seconds, expiry_seconds, reminder_delay_seconds, sample_rate, low_score_threshold, active, priority)
         VALUES ($1, 1, true, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, true, $13)`,
        [
          s.key,
          s.kind,
          s.name,
          JSON.stringify(s.questions),
          s.commentPrompt,
          s.touchpoints,
          s.channels,
          s.delay,
          s.expiry,
          s.reminder,
          s.sample,
          s.low,
          s.priority,
        ],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DELETE FROM survey WHERE key IN (${DEFAULT_SURVEYS.map((s) => `'${s.key}'`).join(', ')}) AND created_by IS NULL
        AND NOT EXISTS (SELECT 1 FROM invitation WHERE invitation.survey_id = survey.id);
      ALTER TABLE message DROP COLUMN sender;
      DROP INDEX invitation_borrower_recent_idx;
      DROP INDEX invitation_in_app_idx;
      DROP INDEX invitation_remind_idx;
      ALTER TABLE invitation DROP COLUMN survey_version;
      ALTER TABLE invitation DROP COLUMN cancel_reason;
      DROP TABLE sms_sender_pace;
      DROP TABLE contact_policy;
      DROP INDEX survey_current_active_idx;
      ALTER TABLE survey DROP CONSTRAINT survey_channels_known;
      ALTER TABLE survey DROP COLUMN priority;
    `);
  }
}
