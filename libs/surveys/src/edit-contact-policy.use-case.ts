import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { Clock, DomainException, FieldError, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { SurveyCatalog } from './survey-catalog.service';
import { ContactPolicy } from './survey.model';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const TOUCHPOINT = /^[a-z][a-z0-9_]{0,39}$/;

/** Checks a whole contact policy; each problem names its field. */
export function validateContactPolicy(policy: ContactPolicy): FieldError[] {
  const errors: FieldError[] = [];
  if (!Number.isInteger(policy.capDays) || policy.capDays < 0 || policy.capDays > 90)
    errors.push({ path: 'capDays', message: 'must be a whole number of days from 0 to 90' });
  if (
    policy.touchpoints.length === 0 ||
    policy.touchpoints.length > 50 ||
    !policy.touchpoints.every((t) => TOUCHPOINT.test(t))
  )
    errors.push({
      path: 'touchpoints',
      message: 'must list 1 to 50 touchpoint names (lower case, digits, _)',
    });
  for (const [window, hours] of Object.entries(policy.quietHours)) {
    if (!TIME.test(hours.start) || !TIME.test(hours.end) || hours.start >= hours.end)
      errors.push({ path: `quietHours.${window}`, message: 'must be HH:MM to a later HH:MM' });
  }
  if (!Number.isInteger(policy.maxSendAttempts) || policy.maxSendAttempts < 1 || policy.maxSendAttempts > 10)
    errors.push({ path: 'maxSendAttempts', message: 'must be a whole number from 1 to 10' });
  return errors;
}

/**
 * Admins change the lender-wide contact policy: the survey cap per borrower, the touchpoints that
 * are surveyed, the hours surveys may be sent in (the borrower's zone) and send attempts. Audited.
 */
@Injectable()
export class EditContactPolicy {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: SurveyCatalog,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, policy: ContactPolicy): Promise<void> {
    if (actor.type !== 'staff' || actor.role !== 'admin')
      throw new DomainException('forbidden', 'Only an admin changes the contact policy.');
    const errors = validateContactPolicy(policy);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const before = (await this.catalog.current()).policy;
    await this.db.transaction(async (manager) => {
      await manager.query(
        `UPDATE contact_policy SET cap_days = $1, touchpoints = $2, quiet_workday_start = $3, quiet_workday_end = $4,
                quiet_dayoff_start = $5, quiet_dayoff_end = $6, max_send_attempts = $7, updated_at = $8`,
        [
          policy.capDays,
          [...new Set(policy.touchpoints)],
          policy.quietHours.workday.start,
          policy.quietHours.workday.end,
          policy.quietHours.dayOff.start,
          policy.quietHours.dayOff.end,
          policy.maxSendAttempts,
          this.clock.now(),
        ],
      );
      await this.audit.record(
        actor,
        {
          action: 'contact_policy.changed',
          entityType: 'contact_policy',
          before: { ...before },
          after: { ...policy },
        },
        manager,
      );
    });
    this.catalog.invalidate();
  }
}
