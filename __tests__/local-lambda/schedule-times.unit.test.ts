import { nextFire, schedulerDaysOfWeek } from '../../local-lambda/schedule-times';

/** When EventBridge Scheduler fires a schedule, as the local clock works it out: rate from the start, cron in its time zone. */
const started = new Date('2026-12-07T21:00:00Z'); // a Monday
const next = (expression: string, after: string, timezone = 'UTC'): string => {
  const fire = nextFire({ expression, timezone }, new Date(after), started);
  return 'at' in fire ? fire.at.toISOString().replace('.000', '') : fire.never;
};

describe('the next time a schedule fires', () => {
  it('counts a rate from when the schedule began, and is always after the time given', () => {
    expect(next('rate(5 minutes)', '2026-12-07T21:00:00Z')).toBe('2026-12-07T21:05:00Z');
    expect(next('rate(5 minutes)', '2026-12-07T21:12:00Z')).toBe('2026-12-07T21:15:00Z');
    expect(next('rate(5 minutes)', '2026-12-07T21:15:00Z')).toBe('2026-12-07T21:20:00Z');
    expect(next('rate(1 hour)', '2026-12-07T21:00:00Z')).toBe('2026-12-07T22:00:00Z');
    expect(next('rate(2 days)', '2026-12-08T22:00:00Z')).toBe('2026-12-09T21:00:00Z');
  });

  it('reads cron in the schedule’s time zone, strictly after the time given', () => {
    expect(next('cron(15 0 * * ? *)', '2026-12-07T21:00:00Z')).toBe('2026-12-08T00:15:00Z');
    expect(next('cron(0 6 * * ? *)', '2026-12-07T20:59:00Z', 'Asia/Tokyo')).toBe('2026-12-07T21:00:00Z');
    expect(next('cron(0 6 * * ? *)', '2026-12-07T21:00:00Z', 'Asia/Tokyo')).toBe('2026-12-08T21:00:00Z');
    expect(next('cron(0/15 * * * ? *)', '2026-12-07T21:07:00Z')).toBe('2026-12-07T21:15:00Z');
    expect(next('cron(0 0 L * ? *)', '2026-12-07T21:00:00Z')).toBe('2026-12-31T00:00:00Z');
    expect(next('cron(0 0 29 2 ? *)', '2026-12-07T21:00:00Z')).toBe('2028-02-29T00:00:00Z');
  });

  it('numbers the days of the week as Scheduler does: 1 is Sunday, L alone Saturday, 6L the last Friday, 2#1 the first Monday', () => {
    expect(schedulerDaysOfWeek('2-6')).toBe('1-5');
    expect(schedulerDaysOfWeek('1,7')).toBe('0,6');
    expect(schedulerDaysOfWeek('MON-FRI')).toBe('MON-FRI');
    expect(schedulerDaysOfWeek('3#2')).toBe('2#2');
    expect(schedulerDaysOfWeek('6L')).toBe('5L');
    expect(schedulerDaysOfWeek('2/2')).toBe('1/2');
    // Friday 2026-12-11, after noon: the next weekday noon is Monday; Sunday is 1, Saturday 7 and L.
    expect(next('cron(0 12 ? * MON-FRI *)', '2026-12-11T13:00:00Z')).toBe('2026-12-14T12:00:00Z');
    expect(next('cron(0 12 ? * 2-6 *)', '2026-12-11T13:00:00Z')).toBe('2026-12-14T12:00:00Z');
    expect(next('cron(0 12 ? * 1 *)', '2026-12-11T13:00:00Z')).toBe('2026-12-13T12:00:00Z');
    expect(next('cron(0 12 ? * 7 *)', '2026-12-11T13:00:00Z')).toBe('2026-12-12T12:00:00Z');
    expect(next('cron(0 12 ? * L *)', '2026-12-11T13:00:00Z')).toBe('2026-12-12T12:00:00Z');
    expect(next('cron(0 10 ? * 6L *)', '2026-12-07T21:00:00Z')).toBe('2026-12-25T10:00:00Z');
    expect(next('cron(0 9 ? * 2#1 *)', '2026-12-07T21:00:00Z')).toBe('2027-01-04T09:00:00Z');
  });

  it('honours the year field, in the time zone, however far the first allowed year is', () => {
    expect(next('cron(0 0 1 1 ? 2030)', '2026-12-07T21:00:00Z')).toBe('2030-01-01T00:00:00Z');
    expect(next('cron(* * * * ? 2030)', '2026-12-07T21:00:00Z')).toBe('2030-01-01T00:00:00Z');
    expect(next('cron(0 0 1 1 ? 2027/2)', '2027-06-07T21:00:00Z')).toBe('2029-01-01T00:00:00Z');
    expect(next('cron(0 10 ? * 6L 2026-2027)', '2026-12-07T21:00:00Z')).toBe('2026-12-25T10:00:00Z');
    // Midnight of 2031-01-01 in Tokyo is still 2030 in UTC.
    expect(next('cron(0 0 * * ? 2028,2031)', '2028-12-31T16:00:00Z', 'Asia/Tokyo')).toBe('2030-12-31T15:00:00Z');
  });

  it('says when a schedule will not fire here, and why', () => {
    expect(next('cron(0 0 1 1 ? 2020)', '2026-12-07T21:00:00Z')).toBe('cron(0 0 1 1 ? 2020) has no time left to fire');
    expect(next('cron(0 0 15W * ? *)', '2026-12-07T21:00:00Z')).toBe(
      'the local clock does not take W (the nearest weekday) in cron(0 0 15W * ? *); run it with npm run invoke',
    );
    expect(next('cron(0 0 * * ?)', '2026-12-07T21:00:00Z')).toBe('cron(0 0 * * ?) is not a rate or cron expression');
  });
});
