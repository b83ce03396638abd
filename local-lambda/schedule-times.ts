import { CronExpressionParser } from 'cron-parser';
import { ScheduleTrigger } from '../config/functions';

/**
 * When EventBridge Scheduler fires a schedule, for the local run's clock. Pure: the time is given.
 *
 * - `rate(N unit)` fires every N units from when the schedule began (here: when the local run started).
 * - `cron(minutes hours day-of-month month day-of-week year)` fires in the schedule's time zone. cron-parser (a
 *   maintained parser of cron expressions with time zones, L and #) reads the first five fields once Scheduler's
 *   day-of-week numbering (1 is Sunday) is moved to its own (0 is Sunday); the year field is Scheduler's own and is
 *   matched here. `W` (the nearest weekday) has no counterpart there: such a schedule is said not to run locally.
 */

export type NextFire = { readonly at: Date } | { readonly never: string };

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** Occurrences looked through from one starting point (a jump to a year lands at most 14 hours early). */
const SEARCH_LIMIT = 5000;

export function nextFire(trigger: Pick<ScheduleTrigger, 'expression' | 'timezone'>, after: Date, since: Date): NextFire {
  const rate = RATE.exec(trigger.expression);
  if (rate) {
    const period = Number(rate[1]) * UNIT_MS[rate[2].replace(/s$/, '')];
    const periods = Math.max(1, Math.floor((after.getTime() - since.getTime()) / period) + 1);
    return { at: new Date(since.getTime() + periods * period) };
  }
  const cron = /^cron\((.*)\)$/.exec(trigger.expression);
  const fields = cron?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6) return { never: `${trigger.expression} is not a rate or cron expression` };
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if (/W/i.test(dayOfMonth)) return { never: `the local clock does not take W (the nearest weekday) in ${trigger.expression}; run it with npm run invoke` };
  const years = yearMatcher(year);
  if (!years) return { never: `the year field ${JSON.stringify(year)} of ${trigger.expression} is not one the local clock reads` };
  const expression = `0 ${minutes} ${hours} ${dayOfMonth} ${month} ${schedulerDaysOfWeek(dayOfWeek)}`;
  const yearOf = (at: Date): number => Number(new Intl.DateTimeFormat('en-US', { timeZone: trigger.timezone, year: 'numeric' }).format(at));
  let from = after;
  let target: number | undefined;
  // Within a year the field allows, the first occurrence is the one; otherwise look again from the next such year.
  for (let jumps = 0; jumps < 300; jumps++) {
    let times;
    try {
      times = CronExpressionParser.parse(expression, { currentDate: from, tz: trigger.timezone });
    } catch (error) {
      return { never: `${trigger.expression} could not be read: ${(error as Error).message}` };
    }
    let year: number | undefined;
    for (let i = 0; i < SEARCH_LIMIT && times.hasNext(); i++) {
      const at = times.next().toDate();
      if (at.getTime() <= after.getTime()) continue;
      const inZone = yearOf(at);
      // A jump lands up to fourteen hours before the year it aims at: what comes before that year is passed over.
      if (target !== undefined && inZone < target) continue;
      if (years.matches(inZone)) return { at };
      year = inZone;
      break;
    }
    const next = year === undefined ? undefined : years.nextAfter(year);
    if (next === undefined) break;
    target = next;
    // Fourteen hours before New Year's Day in UTC is before it in every time zone.
    from = new Date(Date.UTC(next, 0, 1) - 14 * 3_600_000);
  }
  return { never: `${trigger.expression} has no time left to fire` };
}

/** Scheduler's day-of-week field (1-7, 1 is Sunday; L alone is Saturday) in cron-parser's numbering (0-6, 0 is Sunday). */
export function schedulerDaysOfWeek(field: string): string {
  const shift = (day: string): string => (/^\d+$/.test(day) ? String(Number(day) - 1) : day);
  return field
    .split(',')
    .map((item) => {
      if (item === 'L') return '6';
      const nth = /^(\w+)#(\d+)$/.exec(item);
      if (nth) return `${shift(nth[1])}#${nth[2]}`;
      const last = /^(\w+)L$/.exec(item);
      if (last) return `${shift(last[1])}L`;
      const [range, step] = item.split('/');
      const moved = range.split('-').map(shift).join('-');
      return step !== undefined ? `${moved}/${step}` : moved;
    })
    .join(',');
}

/** The years a year field allows: "*", a year, a range, a list, and a step ("2026/2"); undefined when it is none of these. */
function yearMatcher(field: string): { matches(year: number): boolean; nextAfter(year: number): number | undefined } | undefined {
  const LAST = 2199;
  if (field === '*' || field === '?') return { matches: () => true, nextAfter: (year) => (year < LAST ? year + 1 : undefined) };
  const parts: { from: number; to: number; step: number }[] = [];
  for (const item of field.split(',')) {
    const match = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item);
    if (!match) return undefined;
    const from = match[1] === '*' ? 1970 : Number(match[1]);
    const to = match[2] !== undefined ? Number(match[2]) : match[1] === '*' || match[3] !== undefined ? LAST : from;
    parts.push({ from, to, step: match[3] !== undefined ? Math.max(1, Number(match[3])) : 1 });
  }
  const matches = (year: number): boolean => parts.some((part) => year >= part.from && year <= part.to && (year - part.from) % part.step === 0);
  return {
    matches,
    nextAfter: (year) => {
      for (let candidate = year + 1; candidate <= LAST; candidate++) if (matches(candidate)) return candidate;
      return undefined;
    },
  };
}
