export * from './calendar.module';
export * from './quiet-hours';
export * from './working-calendar.service';
export * from './working-days';
export * from './russian-production-calendar';
export * from './edit-calendar.service';
