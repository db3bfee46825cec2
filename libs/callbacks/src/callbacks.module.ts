import { Module } from '@nestjs/common';
import { CallbackTaskOpener } from './callback-task-opener.service';
import { CallbackWorkflow } from './callback-workflow.service';

@Module({
  providers: [CallbackTaskOpener, CallbackWorkflow],
  exports: [CallbackTaskOpener, CallbackWorkflow],
})
export class CallbacksModule {}
