import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import {
  Clock,
  FieldError,
  periodErrors,
  isPlainText,
  isUuid,
  NotFoundException,
  ValidationFailedException,
} from '@app/core';
import { queryRows, Rows } from '@app/database';
import { DataSource } from 'typeorm';
import {
  AddedKeyword,
  COMMENT_CATEGORIES,
  CommentCategory,
  CommentTagger,
  compileTagger,
  normalizeComment,
} from './comment-tags';

const REFRESH_MS = 5_000;
/** What one submission may hold: a few words, not a dictionary. */
export const MAX_KEYWORDS_TEXT = 1_000;
const MAX_KEYWORDS_AT_ONCE = 30;
/** How many recent comments a rule is tried on before it is saved. */
export const TRIAL_COMMENTS = 1_000;
const RETAG_BATCH = 1_000;
const MAX_RETAG_DAYS = 366;

export interface KeywordTrial {
  category: string;
  stems: string[];
  checked: number;
  /** Comments that would gain the category. */
  gained: number;
  /** Comments whose main category (the first other than `other`) would change. */
  mainChanged: number;
  examples: { id: string; comment: string; before: string[]; after: string[] }[];
}

/**
 * The comment categories' keywords: built in (comment-tags.ts) plus the lender's own words (table
 * `comment_keyword`, owned here). The tagger every answer goes through is held for a few seconds; an
 * edit takes effect at once in this process, in others within 5 s. Words are tried on the last 1,000
 * comments before they are saved; a period already tagged is re-tagged on request. All audited.
 */
@Injectable()
export class CommentKeywords {
  private snapshot: { tagger: CommentTagger; at: number } | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async tagger(): Promise<CommentTagger> {
    if (!this.snapshot || Date.now() - this.snapshot.at > REFRESH_MS)
      await (this.loading ??= this.load().finally(() => (this.loading = null)));
    return this.snapshot!.tagger;
  }

  async added(): Promise<(AddedKeyword & { id: string })[]> {
    return this.db.query(
      `SELECT id, category, stem FROM comment_keyword WHERE removed_at IS NULL ORDER BY category, stem`,
    );
  }

  /** The words as they would be stored, or a refusal naming what is wrong. */
  parse(category: string, text: string): { category: Exclude<CommentCategory, 'other'>; stems: string[] } {
    const errors: FieldError[] = [];
    if (!(COMMENT_CATEGORIES as readonly string[]).includes(category) || category === 'other')
      errors.push({ path: 'category', message: 'must be a comment category other than other' });
    if (typeof text !== 'string' || text.trim() === '')
      errors.push({ path: 'words', message: 'must name at least one word' });
    else if (text.length > MAX_KEYWORDS_TEXT || !isPlainText(text, 'multiline'))
      errors.push({ path: 'words', message: `must be text of at most ${MAX_KEYWORDS_TEXT} characters` });
    const stems = errors.length
      ? []
      : [
          ...new Set(
            text
              .split(/[,;\n]+/)
              .map(normalizeComment)
              .filter((s) => s.length > 0),
          ),
        ];
    if (errors.length === 0) {
      if (stems.length === 0) errors.push({ path: 'words', message: 'must name at least one word' });
      else if (stems.length > MAX_KEYWORDS_AT_ONCE)
        errors.push({ path: 'words', message: `must name at most ${MAX_KEYWORDS_AT_ONCE} words at once` });
      else if (stems.some((s) => s.length < 2 || s.length > 60))
        errors.push({ path: 'words', message: 'each word must be 2 to 60 letters' });
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return { category: category as Exclude<CommentCategory, 'other'>, stems };
  }

  /** The words tried on the last 1,000 comments: what they would change, with a few examples. */
  async trial(actor: Actor, category: string, text: string): Promise<KeywordTrial> {
    const rule = this.parse(category, text);
    const current = await this.tagger();
    const added = await this.added();
    const next = compileTagger([...added, ...rule.stems.map((stem) => ({ category: rule.category, stem }))]);
    const rows: { id: string; comment: string }[] = await this.db.query(
      `SELECT id, comment FROM response WHERE comment IS NOT NULL ORDER BY submitted_at DESC, id DESC LIMIT $1`,
      [TRIAL_COMMENTS],
    );
    let gained = 0;
    let mainChanged = 0;
    const examples: KeywordTrial['examples'] = [];
    for (const row of rows) {
      const before = current.tag(row.comment);
      const after = next.tag(row.comment);
      if (!before.includes(rule.category) && after.includes(rule.category)) {
        gained += 1;
        if (examples.length < 5) examples.push({ id: row.id, comment: row.comment, before, after });
      }
      if (mainCategory(before) !== mainCategory(after)) mainChanged += 1;
    }
    await this.audit.record(actor, {
      action: 'comment_keyword.tried',
      entityType: 'comment_keyword',
      details: {
        category: rule.category,
        stems: rule.stems,
        checked: rows.length,
        gained,
        ids: examples.map((e) => e.id),
      },
    });
    return { ...rule, checked: rows.length, gained, mainChanged, examples };
  }

  async add(actor: Actor, category: string, text: string): Promise<string[]> {
    const rule = this.parse(category, text);
    const rows = new Rows<{ stem: string }>({ stem: 'text' });
    for (const stem of rule.stems) rows.push({ stem });
    // $1 category, $2 who, $3 when; then the words.
    const params: unknown[] = [rule.category, `${actor.type}:${actor.id}`, this.clock.now()];
    const source = rows.unnest(params, 'u');
    await this.db.transaction(async (manager) => {
      const inserted = await queryRows<{ stem: string }>(
        manager,
        `INSERT INTO comment_keyword (category, stem, added_by, added_at)
         SELECT $1, u.stem, $2, $3 FROM ${source}
         ON CONFLICT (category, stem) WHERE removed_at IS NULL DO NOTHING RETURNING stem`,
        params,
      );
      await this.audit.record(
        actor,
        {
          action: 'comment_keyword.added',
          entityType: 'comment_keyword',
          details: { category: rule.category, stems: inserted.map((r) => r.stem) },
        },
        manager,
      );
    });
    this.snapshot = null;
    return rule.stems;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    if (!isUuid(id)) throw new NotFoundException('The keyword');
    await this.db.transaction(async (manager) => {
      const rows = await queryRows<{ category: string; stem: string }>(
        manager,
        `UPDATE comment_keyword SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL RETURNING category, stem`,
        [id, this.clock.now()],
      );
      if (!rows[0]) throw new NotFoundException('The keyword');
      await this.audit.record(
        actor,
        {
          action: 'comment_keyword.removed',
          entityType: 'comment_keyword',
          entityId: id,
          details: { ...rows[0] },
        },
        manager,
      );
    });
    this.snapshot = null;
  }

  /**
   * Tags again, with today's keywords, every comment answered in a period (days in the lender's zone),
   * and the open callback tasks of those answers; a batch of 1,000 per statement. The caller rolls the
   * period's metrics up again.
   */
  async retag(
    actor: Actor,
    period: { from: string; to: string },
    timeZone: string,
  ): Promise<{ checked: number; changed: number }> {
    const errors = periodErrors(period, MAX_RETAG_DAYS);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    this.snapshot = null;
    const tagger = await this.tagger();
    let checked = 0;
    let changed = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: { id: string; comment: string; tags: string[] }[] = await this.db.query(
        `SELECT id, comment, tags FROM response
          WHERE submitted_at >= ($1::date::timestamp AT TIME ZONE $3::text)
            AND submitted_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)
            AND comment IS NOT NULL AND id > $4
          ORDER BY id LIMIT $5`,
        [period.from, period.to, timeZone, after, RETAG_BATCH],
      );
      if (rows.length === 0) break;
      checked += rows.length;
      after = rows[rows.length - 1]!.id;
      const updates = new Rows<{ id: string; tags: string }>({ id: 'uuid', tags: 'text' });
      for (const row of rows) {
        const tags = tagger.tag(row.comment);
        if (tags.join(',') !== row.tags.join(',')) updates.push({ id: row.id, tags: JSON.stringify(tags) });
      }
      if (updates.length === 0) continue;
      changed += updates.length;
      const params: unknown[] = [this.clock.now()];
      const source = updates.unnest(params, 'u');
      await this.db.query(
        `WITH u AS (SELECT u.id, ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb)) AS tags FROM ${source}),
              r AS (UPDATE response r SET tags = u.tags FROM u WHERE r.id = u.id RETURNING r.id)
         UPDATE callback_task t SET tags = u.tags, updated_at = $1, version = t.version + 1
           FROM u WHERE t.response_id = u.id AND t.status = 'open'`,
        params,
      );
    }
    await this.audit.record(actor, {
      action: 'comment_keyword.retagged',
      entityType: 'comment_keyword',
      details: { from: period.from, to: period.to, checked, changed },
    });
    return { checked, changed };
  }

  private async load(): Promise<void> {
    this.snapshot = { tagger: compileTagger(await this.added()), at: Date.now() };
  }
}

function mainCategory(tags: string[]): string | null {
  if (tags.length === 0) return null;
  return tags.find((t) => t !== 'other') ?? 'other';
}
