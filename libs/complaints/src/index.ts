// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { deadlineOf, MAX_EXTENSION_WORKING_DAYS, onTimeCondition } from './complaint-deadline';
export { ComplaintQueries } from './complaint-queries.service';
export { ComplaintWorkflow } from './complaint-workflow.service';
export {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  RECEIVED_VIA,
  RESPONSE_TYPES,
  REVIEW_CRITERIA,
} from './complaint.model';
export { ComplaintsModule } from './complaints.module';
export { RegisterExport, validateRegisterFilters } from './register-export.service';
export { REGISTER_COLUMNS } from './register-format';
