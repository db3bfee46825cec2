// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { BorrowerCasefile, maskEmail, maskPhone } from './borrower-casefile.service';
export type { Casefile } from './borrower-casefile.service';
export { callbackPriority } from './callback-priority';
export { CallbackTaskOpener } from './callback-task-opener.service';
export { CallbackTaskQueries } from './callback-task-queries.service';
export type { TaskDetail, TaskListFilters } from './callback-task-queries.service';
export {
  ATTEMPT_RESULTS,
  CallbackWorkflow,
  MINUTES_BETWEEN_ATTEMPTS,
  UNREACHABLE_AFTER_ATTEMPTS,
} from './callback-workflow.service';
export { CallbacksModule } from './callbacks.module';
export { SweepOverdueTasks } from './sweep-overdue-tasks.use-case';
export { changeTask, requireStaff, requireTaskOwner } from './task-change';
export { overdueCondition } from './task-deadline';
export { CallNotes } from './call-notes.repository';
export { CallbackHistory } from './callback-history.repository';
export type { HistoricAttempt, HistoricTask } from './callback-history.repository';
