// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export {
  deadlineOf,
  MAX_EXTENSION_WORKING_DAYS,
  onTimeCondition,
  overdueCondition as complaintOverdueCondition,
} from './complaint-deadline';
export { ComplaintQueries, WORK_LIST_VIEWS } from './complaint-queries.service';
export type { ComplaintDetail, ComplaintFilters, ComplaintListItem } from './complaint-queries.service';
export { ComplaintWorkflow } from './complaint-workflow.service';
export {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  RECEIVED_VIA,
  RESPONSE_TYPES,
  INTAKE_CHANNELS,
  CORRECTIVE_ACTION_STATUSES,
} from './complaint.model';
export { MAX_SUBSTANCE, RegisterComplaint } from './register-complaint.use-case';
export type { ComplaintIntakeInput, RegisteredComplaint } from './register-complaint.use-case';
export { ReviewCriteria } from './review-criteria.service';
export type { CriterionEdit } from './review-criteria.service';
export { ComplaintsModule } from './complaints.module';
export { RegisterExport, validateRegisterFilters } from './register-export.service';
export { REGISTER_COLUMNS } from './register-format';
export { SendDeadlineDigests } from './send-deadline-digests.use-case';
export {
  ComplaintAttachments,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_AT_ONCE,
  sniffMediaType,
} from './complaint-attachments.service';
export type { AttachmentSummary, Upload } from './complaint-attachments.service';
export { ComplaintHistory } from './complaint-history.repository';
export type { HistoricComplaint } from './complaint-history.repository';
