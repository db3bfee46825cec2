export * from './callback-priority';
export * from './callback-task-opener.service';
export * from './callbacks.module';
export * from './callback-workflow.service';
export * from './task-change';
export * from './callback-task-queries.service';
export * from './sweep-overdue-tasks.use-case';
export * from './borrower-casefile.service';
export { DUE_SOON_HOURS, dueSoonCondition, overdueCondition } from './task-deadline';
