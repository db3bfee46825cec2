import { Module } from '@nestjs/common';
import { CallbackTaskOpener } from './callback-task-opener.service';
import { CallbackTaskQueries } from './callback-task-queries.service';
import { CallbackWorkflow } from './callback-workflow.service';
import { BorrowerCasefile } from './borrower-casefile.service';
import { SweepOverdueTasks } from './sweep-overdue-tasks.use-case';

const PROVIDERS = [
  CallbackTaskOpener,
  CallbackWorkflow,
  CallbackTaskQueries,
  BorrowerCasefile,
  SweepOverdueTasks,
];

@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class CallbacksModule {}
