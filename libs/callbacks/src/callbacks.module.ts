import { Module } from '@nestjs/common';
import { CallbackTaskOpener } from './callback-task-opener.service';

@Module({ providers: [CallbackTaskOpener], exports: [CallbackTaskOpener] })
export class CallbacksModule {}
