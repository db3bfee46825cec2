import { Module } from '@nestjs/common';
import { CallbackHistory } from './callback-history.repository';
import { CallbackTaskOpener } from './callback-task-opener.service';
import { CallbackTaskQueries } from './callback-task-queries.service';
import { CallbackWorkflow } from './callback-workflow.service';
import { BorrowerCasefile } from './borrower-casefile.service';
import { SweepOverdueTasks } from './sweep-overdue-tasks.use-case';
import { CallNotes } from './call-notes.repository';

const PROVIDERS = [
  CallbackHistory,
  CallbackTaskOpener,
  CallbackWorkflow,
  CallbackTaskQueries,
  BorrowerCasefile,
  SweepOverdueTasks,
  CallNotes,
];

@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class CallbacksModule {}
