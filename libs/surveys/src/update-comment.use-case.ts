import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackTaskOpener } from '@app/callbacks';
import { Clock, DomainException, NotFoundException } from '@app/core';
import { DataSource, EntityManager } from 'typeorm';
import { CommentKeywords } from './comment-keywords.repository';
import { mentionsRegulator } from './comment-tags';
import { checkComment, InvitationLocator } from './record-response.use-case';

/**
 * Adds or edits the comment of a response within a window after it was given; the tags are computed
 * again and follow to the callback task while the task is still open. The answers never change.
 */
@Injectable()
export class UpdateComment {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tasks: CallbackTaskOpener,
    private readonly clock: Clock,
    private readonly keywords: CommentKeywords,
  ) {}

  async execute(
    locator: InvitationLocator,
    rawComment: string | null,
    windowMs: number,
    mode: 'replace' | 'append' = 'replace',
  ): Promise<void> {
    const comment = checkComment(rawComment);
    await this.db.transaction((manager) => this.update(manager, locator, comment, windowMs, mode));
  }

  async update(
    manager: EntityManager,
    locator: InvitationLocator,
    comment: string | null,
    windowMs: number,
    mode: 'replace' | 'append',
  ): Promise<void> {
    const now = this.clock.now();
    const where = 'invitationId' in locator ? 'i.id = $1' : 'i.token_hash = $1';
    const rows: { id: string; comment: string | null; submitted_at: Date }[] = await manager.query(
      `SELECT r.id, r.comment, r.submitted_at FROM response r JOIN invitation i ON i.id = r.invitation_id WHERE ${where} FOR UPDATE OF r`,
      ['invitationId' in locator ? locator.invitationId : locator.tokenHash],
    );
    const response = rows[0];
    if (!response) throw new NotFoundException('The response');
    if (now.getTime() - response.submitted_at.getTime() > windowMs) {
      throw new DomainException('conflict', 'The comment can no longer be changed.');
    }
    const next =
      mode === 'append' && response.comment && comment
        ? `${response.comment}\n${comment}`.slice(0, 2000)
        : comment;
    const tags = (await this.keywords.tagger()).tag(next);
    await manager.query(
      `UPDATE response SET comment = $2, tags = $3, comment_updated_at = $4 WHERE id = $1`,
      [response.id, next, tags, now],
    );
    await this.tasks.retag(manager, response.id, tags, mentionsRegulator(next), now);
  }
}
