// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { CalendarModule } from './calendar.module';
export { EditCalendar } from './edit-calendar.service';
export { isValidTimeZone, nextAllowedSendTime, pointInWindows, sendingWindows } from './quiet-hours';
export { WorkingCalendar, isWeekday } from './working-calendar.service';
export type { WorkingDayLookup } from './working-calendar.service';
export { addWorkingDays, workingDaysUntil } from './working-days';
