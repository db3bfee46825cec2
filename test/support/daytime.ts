/**
 * A time zone where it is daytime now (10:00–19:00), for tests on the real clock: quiet hours then hold
 * nothing back, whenever the suite runs.
 */
export function daytimeZone(): string {
  const zones = [
    'Pacific/Kiritimati',
    'Asia/Tokyo',
    'Asia/Dubai',
    'Europe/Moscow',
    'Europe/London',
    'America/Sao_Paulo',
    'America/New_York',
    'America/Los_Angeles',
    'Pacific/Honolulu',
  ];
  const hour = (zone: string) =>
    Number(
      new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zone }).format(
        new Date(),
      ),
    );
  return zones.find((zone) => hour(zone) >= 10 && hour(zone) < 19)!;
}
