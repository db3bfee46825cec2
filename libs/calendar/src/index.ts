export * from './calendar.module';
export * from './quiet-hours';
export * from './working-calendar.service';
export * from './working-days';
export { CalendarDayKind } from './calendar-day';
export * from './edit-calendar.service';
