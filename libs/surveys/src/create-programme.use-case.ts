import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { Clock, DomainException, FieldError, NotFoundException, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { insertVersion, targetingErrors, validateSurvey } from './revise-survey.use-case';
import { SurveyCatalog } from './survey-catalog.service';
import { LocalizedText, Survey, SurveyKind, SurveyQuestion } from './survey.model';

export const PROGRAMME_KINDS: readonly SurveyKind[] = ['CSI', 'NPS', 'CLI'];

const CSI_LABELS = {
  minLabel: { ru: 'Очень плохо', en: 'Very poor' },
  maxLabel: { ru: 'Отлично', en: 'Excellent' },
};
const NPS_LABELS = {
  minLabel: { ru: 'Точно нет', en: 'Not at all likely' },
  maxLabel: { ru: 'Точно да', en: 'Extremely likely' },
};

/** The questions a new programme of each kind starts from (the admin rewords them before publishing). */
const STARTING_QUESTIONS: Record<SurveyKind, SurveyQuestion[]> = {
  CSI: [
    {
      id: 'satisfaction',
      text: { ru: 'Насколько вы довольны обслуживанием?', en: 'How satisfied are you with our service?' },
      min: 1,
      max: 5,
      ...CSI_LABELS,
    },
  ],
  NPS: [
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
  CLI: [
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
      id: 'prefer',
      text: {
        ru: 'Выберете ли вы нас среди других компаний?',
        en: 'Would you choose us over other lenders?',
      },
      min: 0,
      max: 10,
      ...NPS_LABELS,
    },
  ],
};

export interface NewProgramme {
  key: string;
  title: LocalizedText;
  /** A new programme of this kind… */
  kind?: string | null;
  /** …or a copy of this one's current version. */
  copyOf?: string | null;
}

/**
 * A new survey programme, from a kind's starting questions or as a copy of another's current version.
 * It starts paused and surveys nobody until an admin has worded it, chosen its touchpoints and
 * published it (ticking Active saves the next version); the key is the programme's for good.
 */
@Injectable()
export class CreateProgramme {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: SurveyCatalog,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, input: NewProgramme): Promise<Survey> {
    const errors: FieldError[] = [];
    if (typeof input.key !== 'string' || !/^[a-z][a-z0-9_]{2,39}$/.test(input.key))
      errors.push({
        path: 'key',
        message: 'must be 3 to 40 lower-case letters, digits or _, starting with a letter',
      });
    const copying = typeof input.copyOf === 'string' && input.copyOf !== '';
    if (!copying && !(PROGRAMME_KINDS as readonly unknown[]).includes(input.kind))
      errors.push({
        path: 'kind',
        message: `must be one of ${PROGRAMME_KINDS.join(', ')}, or a programme to copy`,
      });
    if (errors.length > 0) throw new ValidationFailedException(errors);

    const programmes = await this.catalog.programmes();
    const source = copying ? programmes.find((p) => p.key === input.copyOf) : null;
    if (copying && !source) throw new NotFoundException('The programme to copy');
    const { policy } = await this.catalog.current();
    const kind = source?.kind ?? (input.kind as SurveyKind);
    const survey: Survey = source
      ? { ...source, key: input.key, version: 1, title: input.title, active: false }
      : {
          id: '',
          key: input.key,
          version: 1,
          kind,
          title: input.title,
          questions: STARTING_QUESTIONS[kind],
          commentPrompt: { ru: 'Что нам стоит улучшить?', en: 'What should we improve?' },
          smsText: null,
          triggerTouchpoints: [],
          products: null,
          channelOrder: kind === 'CLI' ? ['email', 'in_app'] : ['sms', 'email', 'in_app'],
          delaySeconds: 15 * 60,
          expirySeconds: 3 * 86_400,
          reminderDelaySeconds: null,
          sampleRate: 1,
          lowScoreThreshold: kind === 'CSI' ? 3 : 6,
          active: false,
          priority: 0,
        };
    const invalid = [...validateSurvey(survey), ...targetingErrors(survey, policy.touchpoints)];
    if (invalid.length > 0) throw new ValidationFailedException(invalid);

    const created = await this.db.transaction(async (manager) => {
      // The key's lock: two admins creating the same key at once get one programme and one conflict.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('survey:' || $1))`, [survey.key]);
      const taken = await manager.query(`SELECT 1 FROM survey WHERE key = $1 LIMIT 1`, [survey.key]);
      if (taken.length > 0)
        throw new DomainException('conflict', `A programme with the key "${survey.key}" exists already.`);
      const id = await insertVersion(manager, survey, actor, this.clock.now());
      await this.audit.record(
        actor,
        {
          action: 'survey.created',
          entityType: 'survey',
          entityId: survey.key,
          after: { kind: survey.kind, copyOf: source?.key ?? null },
        },
        manager,
      );
      return { ...survey, id };
    });
    this.catalog.invalidate();
    return created;
  }
}
