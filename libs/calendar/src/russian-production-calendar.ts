export type CalendarDayKind = 'holiday' | 'transferred_day_off' | 'transferred_workday' | 'shortened';

export interface CalendarException {
  day: string;
  kind: CalendarDayKind;
  note: string;
}

const holidays = (days: string[], note: string): CalendarException[] =>
  days.map((day) => ({ day, kind: 'holiday', note }));

/**
 * The Russian production calendar: the days that differ from "Monday to Friday works" (Labour Code
 * art. 112 and the yearly government decrees on transferring days off). Holidays on a weekend are
 * listed too, so the calendar reads as the official one. Admins edit the table, not this file.
 */
export const RUSSIAN_PRODUCTION_CALENDAR: readonly CalendarException[] = [
  // 2025 — decree No. 1335 of 4 October 2024.
  ...holidays(
    [
      '2025-01-01',
      '2025-01-02',
      '2025-01-03',
      '2025-01-04',
      '2025-01-05',
      '2025-01-06',
      '2025-01-07',
      '2025-01-08',
    ],
    'New Year holidays and Christmas',
  ),
  ...holidays(['2025-02-23'], 'Defender of the Fatherland Day (on a Sunday, moved to 8 May)'),
  ...holidays(['2025-03-08'], "International Women's Day (on a Saturday, moved to 13 June)"),
  ...holidays(['2025-05-01'], 'Spring and Labour Day'),
  ...holidays(['2025-05-09'], 'Victory Day'),
  ...holidays(['2025-06-12'], 'Russia Day'),
  ...holidays(['2025-11-04'], 'Unity Day'),
  { day: '2025-05-02', kind: 'transferred_day_off', note: 'from Saturday 4 January' },
  { day: '2025-05-08', kind: 'transferred_day_off', note: 'from Sunday 23 February' },
  { day: '2025-06-13', kind: 'transferred_day_off', note: 'from Saturday 8 March' },
  { day: '2025-11-03', kind: 'transferred_day_off', note: 'from Saturday 1 November' },
  { day: '2025-12-31', kind: 'transferred_day_off', note: 'from Sunday 5 January' },
  { day: '2025-11-01', kind: 'transferred_workday', note: 'working Saturday (day off moved to 3 November)' },
  { day: '2025-03-07', kind: 'shortened', note: 'pre-holiday day, one hour shorter' },
  { day: '2025-04-30', kind: 'shortened', note: 'pre-holiday day, one hour shorter' },
  { day: '2025-06-11', kind: 'shortened', note: 'pre-holiday day, one hour shorter' },

  // 2026 — decree No. 1466 of 24 September 2025.
  ...holidays(
    [
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
      '2026-01-08',
    ],
    'New Year holidays and Christmas',
  ),
  ...holidays(['2026-02-23'], 'Defender of the Fatherland Day'),
  ...holidays(['2026-03-08'], "International Women's Day (on a Sunday, the day off moves to Monday 9 March)"),
  ...holidays(['2026-05-01'], 'Spring and Labour Day'),
  ...holidays(['2026-05-09'], 'Victory Day (on a Saturday, the day off moves to Monday 11 May)'),
  ...holidays(['2026-06-12'], 'Russia Day'),
  ...holidays(['2026-11-04'], 'Unity Day'),
  { day: '2026-01-09', kind: 'transferred_day_off', note: 'from Saturday 3 January' },
  { day: '2026-03-09', kind: 'transferred_day_off', note: "International Women's Day fell on a Sunday" },
  { day: '2026-05-11', kind: 'transferred_day_off', note: 'Victory Day fell on a Saturday' },
  { day: '2026-12-31', kind: 'transferred_day_off', note: 'from Sunday 4 January' },
  { day: '2026-04-30', kind: 'shortened', note: 'pre-holiday day, one hour shorter' },
  { day: '2026-05-08', kind: 'shortened', note: 'pre-holiday day, one hour shorter' },
  { day: '2026-06-11', kind: 'shortened', note: 'pre-holiday day, one hour shorter' },
  { day: '2026-11-03', kind: 'shortened', note: 'pre-holiday day, one hour shorter' },

  // 2027 — the Labour Code's own transfers and the published draft; confirm against the decree
  // when it is adopted (admins edit the calendar in the console).
  ...holidays(
    [
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-01-04',
      '2027-01-05',
      '2027-01-06',
      '2027-01-07',
      '2027-01-08',
    ],
    'New Year holidays and Christmas',
  ),
  ...holidays(['2027-02-23'], 'Defender of the Fatherland Day'),
  ...holidays(['2027-03-08'], "International Women's Day"),
  ...holidays(['2027-05-01'], 'Spring and Labour Day (on a Saturday, the day off moves to Monday 3 May)'),
  ...holidays(['2027-05-09'], 'Victory Day (on a Sunday, the day off moves to Monday 10 May)'),
  ...holidays(['2027-06-12'], 'Russia Day (on a Saturday, the day off moves to Monday 14 June)'),
  ...holidays(['2027-11-04'], 'Unity Day'),
  { day: '2027-05-03', kind: 'transferred_day_off', note: 'Spring and Labour Day fell on a Saturday' },
  { day: '2027-05-10', kind: 'transferred_day_off', note: 'Victory Day fell on a Sunday' },
  { day: '2027-06-14', kind: 'transferred_day_off', note: 'Russia Day fell on a Saturday' },
  { day: '2027-11-05', kind: 'transferred_day_off', note: 'draft decree: from Saturday 13 November' },
  {
    day: '2027-11-13',
    kind: 'transferred_workday',
    note: 'draft decree: working Saturday (day off moved to 5 November)',
  },
];

export function isWorkingKind(kind: CalendarDayKind): boolean {
  return kind === 'transferred_workday' || kind === 'shortened';
}
