/**
 * How a day differs from "Monday to Friday works" in the calendar table (Labour Code art. 112 and the
 * yearly decrees on transferring days off). The Russian calendar itself is seeded by a migration and
 * kept by admins in the console.
 */
export type CalendarDayKind = 'holiday' | 'transferred_day_off' | 'transferred_workday' | 'shortened';

export function isWorkingKind(kind: CalendarDayKind): boolean {
  return kind === 'transferred_workday' || kind === 'shortened';
}
