import { MAX_OPERATOR_CSV, TARGET_METRICS } from '@app/analytics';
import { STAFF_ROLES } from '@app/audit';
import { ATTEMPT_RESULTS } from '@app/callbacks';
import {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  CORRECTIVE_ACTION_STATUSES,
  INTAKE_CHANNELS,
  MAX_EXTENSION_WORKING_DAYS,
  RECEIVED_VIA,
  RESPONSE_TYPES,
} from '@app/complaints';
import { API_SCOPES } from '@app/identity';
import { CHANNELS, COMMENT_CATEGORIES, MAX_KEYWORDS_TEXT } from '@app/surveys';
import { WEBHOOK_EVENTS } from '@app/webhooks';
import { FormChoice, FormChoices, FormText, FormTexts, FormWholeNumber } from './form-dto';

/**
 * The console's forms, one class each, read through `formDto`: what each field may hold at the edge.
 * The use cases keep the rules that need the database or the clock (a future date, an active expert).
 */

/** Every change form carries the version of the record the page showed (optimistic locking). */
class Versioned {
  @FormText(9) version?: string;
}

export class IntakeForm {
  @FormChoice(INTAKE_CHANNELS, { required: true }) channel!: string;
  @FormText(20, { required: true }) receivedAt!: string;
  @FormText(100) regulatorRef?: string;
  @FormText(10) regulatorDueAt?: string;
  @FormText(200) borrowerExternalId?: string;
  @FormText(200) borrowerName?: string;
  @FormText(50) borrowerPhone?: string;
  @FormText(254) borrowerEmail?: string;
  @FormText(50) product?: string;
  @FormText(50) touchpoint?: string;
  @FormChoice(COMPLAINT_CATEGORIES) category?: string;
  @FormText(10_000, { required: true, multiline: true }) substance!: string;
  @FormText(200) contactEventExternalId?: string;
  @FormText(20) repeatOf?: string;
}

export class AttemptForm extends Versioned {
  @FormChoice(ATTEMPT_RESULTS, { required: true }) result!: string;
  @FormText(2000, { multiline: true }) note?: string;
  @FormText(20) callBackAt?: string;
  @FormChoice(['1']) next?: string;
}

export class CloseTaskForm extends Versioned {
  @FormChoice(['not_a_complaint', 'unreachable'], { required: true }) reason!: string;
}

export class AssignForm extends Versioned {
  @FormText(36) assigneeId?: string;
}

export class TaskComplaintForm extends Versioned {
  @FormChoice(COMPLAINT_CATEGORIES) category?: string;
  @FormChoice(RECEIVED_VIA) receivedVia?: string;
  @FormText(4000, { required: true, multiline: true }) substance!: string;
}

export class ExtendForm extends Versioned {
  @FormWholeNumber(1, MAX_EXTENSION_WORKING_DAYS, { required: true }) workingDays!: string;
  @FormText(2000, { required: true, multiline: true }) reason!: string;
  @FormText(20, { required: true }) borrowerNotifiedAt!: string;
}

export class ReviewForm extends Versioned {
  // The lender's criteria are keys the use case checks against the ones in force.
  @FormTexts(100) criteria?: string | string[];
  @FormChoice(CLASSIFICATIONS, { required: true }) classification!: string;
  @FormText(4000, { multiline: true }) rootCause?: string;
  @FormChoice(RESPONSE_TYPES, { required: true }) responseType!: string;
  @FormText(4000, { multiline: true }) redress?: string;
  @FormText(4000, { multiline: true }) resolution?: string;
  @FormText(4000, { multiline: true }) correctiveAction?: string;
  @FormText(200) correctiveActionOwner?: string;
  @FormText(10) correctiveActionDueAt?: string;
}

export class ReopenForm extends Versioned {
  @FormText(2000, { required: true, multiline: true }) reason!: string;
}

export class CorrectiveActionForm extends Versioned {
  @FormChoice(CORRECTIVE_ACTION_STATUSES, { required: true }) status!: string;
  @FormText(2000, { multiline: true }) note?: string;
  @FormText(10) dueAt?: string;
}

export class ResolveForm extends Versioned {
  @FormText(4000, { required: true, multiline: true }) resolution!: string;
  @FormChoice(['sms', 'email']) answerBy?: string;
}

export class NewUserForm {
  @FormText(200, { required: true }) name!: string;
  @FormText(254, { required: true }) email!: string;
  @FormChoice(STAFF_ROLES, { required: true }) role!: string;
  @FormChoice(['ru', 'en']) locale?: string;
  @FormText(1024, { required: true }) password!: string;
}

export class UserChangeForm {
  @FormChoice(['role', 'disable', 'enable'], { required: true }) action!: string;
  @FormChoice(STAFF_ROLES) role?: string;
}

export class ApiKeyForm {
  @FormText(100, { required: true }) name!: string;
  @FormChoices(API_SCOPES) scopes?: string | string[];
}

export class WebhookForm {
  @FormText(2000, { required: true }) url!: string;
  @FormChoices(WEBHOOK_EVENTS) events?: string | string[];
}

export class WebhookStateForm {
  @FormChoice(['true', 'false'], { required: true }) active!: string;
}

export class CalendarDayForm {
  @FormText(10, { required: true }) day!: string;
  @FormChoice(['holiday', 'transferred_day_off', 'transferred_workday', 'shortened', 'workday', 'weekend'], {
    required: true,
  })
  kind!: string;
  @FormText(200) note?: string;
}

export class ContactPolicyForm {
  @FormWholeNumber(0, 90, { required: true }) capDays!: string;
  @FormTexts(50) touchpoints?: string | string[];
  @FormText(2000) otherTouchpoints?: string;
  @FormText(5, { required: true }) workdayStart!: string;
  @FormText(5, { required: true }) workdayEnd!: string;
  @FormText(5, { required: true }) dayOffStart!: string;
  @FormText(5, { required: true }) dayOffEnd!: string;
  @FormWholeNumber(1, 10, { required: true }) maxSendAttempts!: string;
}

export class SurveyEditForm {
  @FormText(200, { required: true }) titleRu!: string;
  @FormText(200, { required: true }) titleEn!: string;
  @FormText(300) commentRu?: string;
  @FormText(300) commentEn?: string;
  @FormText(1000) smsRu?: string;
  @FormText(1000) smsEn?: string;
  @FormText(10, { required: true }) lowScoreThreshold!: string;
  @FormChoices(['', ...CHANNELS]) channels?: string | string[];
  @FormWholeNumber(0, 43_200, { required: true }) delayMinutes!: string;
  @FormWholeNumber(1, 2160, { required: true }) expiryHours!: string;
  @FormWholeNumber(1, 2160) reminderHours?: string;
  @FormText(10, { required: true }) samplePercent!: string;
  @FormChoice(['on']) active?: string;
  @FormChoice(['1']) touchpointsShown?: string;
  @FormTexts(40) touchpoints?: string | string[];
  @FormText(300) products?: string;
  @FormWholeNumber(0, 100) priority?: string;
}

export class NewProgrammeForm {
  @FormText(40, { required: true }) key!: string;
  @FormText(10) kind?: string;
  @FormText(40) copyOf?: string;
  @FormText(200, { required: true }) titleRu!: string;
  @FormText(200, { required: true }) titleEn!: string;
}

export class TargetForm {
  @FormChoice(TARGET_METRICS, { required: true }) metric!: string;
  @FormText(10, { required: true }) value!: string;
  @FormText(10, { required: true }) from!: string;
  @FormText(10, { required: true }) to!: string;
  @FormText(100) touchpoint?: string;
  @FormText(100) product?: string;
}

export class KeywordForm {
  @FormChoice(COMMENT_CATEGORIES, { required: true }) category!: string;
  @FormText(MAX_KEYWORDS_TEXT, { required: true, multiline: true }) words!: string;
  @FormChoice(['try', 'save'], { required: true }) action!: string;
}

export class RetagForm {
  @FormText(10, { required: true }) from!: string;
  @FormText(10, { required: true }) to!: string;
}

export class OperatorForm {
  @FormText(100, { required: true }) agentRef!: string;
  @FormText(200, { required: true }) name!: string;
  @FormText(100) team?: string;
}

export class OperatorImportForm {
  @FormText(MAX_OPERATOR_CSV, { required: true, multiline: true }) csv!: string;
}

export class LiftSuppressionForm {
  @FormText(300, { required: true }) reason!: string;
}

export class CampaignDraftForm {
  @FormText(200, { required: true }) name!: string;
  @FormText(60, { required: true }) survey!: string;
  @FormText(20) startAt?: string;
  @FormText(2) spreadDays?: string;
}
