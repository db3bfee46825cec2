import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { requireStaff } from '@app/callbacks';
import { FieldError, isStorableText, ValidationFailedException } from '@app/core';
import { advisoryLockKey, lockedTransaction } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import { JudgedCriterion } from './complaint.model';

export interface CriterionEdit {
  /** An existing criterion's key; absent for a new one. */
  key?: string;
  en: string;
  ru: string;
  retired?: boolean;
}

const MAX_TEXT = 300;
const MAX_CRITERIA = 50;

/** "Расчёт неверен" → "criterion_<n>": keys are ours, stable, never shown. */
function newKey(taken: Set<string>): string {
  for (let n = taken.size + 1; ; n++) if (!taken.has(`criterion_${n}`)) return `criterion_${n}`;
}

/**
 * The review checklist the lender keeps (add, reword, retire). Every change is a new version of the
 * criterion; a reviewed complaint keeps the text it was judged by (`criteria_judged`), so rewording a
 * criterion never changes what an old review said.
 */
@Injectable()
export class ReviewCriteria {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The criteria in force (latest version of each, not retired), in the lender's order. */
  async current(manager: EntityManager = this.db.manager): Promise<JudgedCriterion[]> {
    return (await this.latest(manager)).filter((c) => !c.retired).map(({ retired: _, ...c }) => c);
  }

  /** Every criterion's latest version, retired ones included (the admin's list). */
  async all(): Promise<(JudgedCriterion & { retired: boolean })[]> {
    return this.latest(this.db.manager);
  }

  async edit(actor: Actor, edits: CriterionEdit[]): Promise<number> {
    requireStaff(actor, ['admin']);
    const errors: FieldError[] = [];
    if (!Array.isArray(edits) || edits.length > MAX_CRITERIA)
      throw new ValidationFailedException([
        { path: 'criteria', message: `must list at most ${MAX_CRITERIA} criteria` },
      ]);
    edits.forEach((e, i) => {
      for (const lang of ['en', 'ru'] as const) {
        const text = typeof e[lang] === 'string' ? e[lang].trim() : '';
        if (text.length === 0 || text.length > MAX_TEXT || !isStorableText(text))
          errors.push({
            path: `criteria[${i}].${lang}`,
            message: `must be text of 1 to ${MAX_TEXT} characters`,
          });
      }
    });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return lockedTransaction(this.db, [advisoryLockKey('review_criterion', 'list')], async (manager) => {
      const latest = new Map((await this.latest(manager)).map((c, i) => [c.key, { ...c, position: i + 1 }]));
      const taken = new Set(latest.keys());
      let changed = 0;
      for (const [i, edit] of edits.entries()) {
        const before = edit.key ? latest.get(edit.key) : undefined;
        if (edit.key && !before) {
          errors.push({ path: `criteria[${i}].key`, message: 'is not a criterion' });
          continue;
        }
        const en = edit.en.trim();
        const ru = edit.ru.trim();
        const retired = edit.retired === true;
        if (before && before.en === en && before.ru === ru && before.retired === retired) continue;
        if (!before && retired) continue;
        const key = before?.key ?? newKey(taken);
        taken.add(key);
        await manager.query(
          `INSERT INTO review_criterion (key, version, position, text_en, text_ru, retired, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            key,
            (before?.version ?? 0) + 1,
            before?.position ?? taken.size,
            en,
            ru,
            retired,
            actor.type === 'staff' ? actor.id : null,
          ],
        );
        await this.audit.record(
          actor,
          {
            action: before
              ? retired
                ? 'review_criterion.retired'
                : 'review_criterion.reworded'
              : 'review_criterion.added',
            entityType: 'review_criterion',
            before: before ? { key, en: before.en, ru: before.ru, retired: before.retired } : undefined,
            after: { key, en, ru, retired },
          },
          manager,
        );
        changed += 1;
      }
      if (errors.length > 0) throw new ValidationFailedException(errors);
      return changed;
    });
  }

  private async latest(manager: EntityManager): Promise<(JudgedCriterion & { retired: boolean })[]> {
    return manager
      .query(
        `SELECT DISTINCT ON (key) key, version, text_en AS en, text_ru AS ru, retired, position
         FROM review_criterion ORDER BY key, version DESC`,
      )
      .then((rows: (JudgedCriterion & { retired: boolean; position: number })[]) =>
        rows
          .sort((a, b) => a.position - b.position || (a.key < b.key ? -1 : 1))
          .map(({ position: _, ...c }) => c),
      );
  }
}
