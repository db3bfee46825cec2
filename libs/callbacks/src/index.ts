export * from './callback-priority';
export * from './callback-task-opener.service';
export * from './callbacks.module';
