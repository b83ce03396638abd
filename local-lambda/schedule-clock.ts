import { ScheduleTrigger } from '../config/functions';
import { InvokeResult } from './local-function';
import { nextFire } from './schedule-times';

/**
 * The local run's EventBridge Scheduler (`npm start -- --schedules`): each scheduled function is invoked at the times
 * its expression gives (schedule-times.ts decides them), with the event the stack's schedule sends
 * ({"scheduledTime": ...}). A failed invocation is said, with what Scheduler does on AWS (its retries, then the
 * dead-letter queue); here the next time comes as scheduled. Times missed while the machine slept run once, not each.
 */

export interface ScheduledFunction {
  readonly name: string;
  readonly functionName: string;
  readonly trigger: ScheduleTrigger;
  invoke(event: unknown): Promise<InvokeResult>;
}

/** The time source and timers the clock runs on; the real ones unless a test gives its own. */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, ms: number): { cancel(): void };
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** The longest a Node.js timer waits; a later time is reached in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface ScheduleClock {
  /** Each function's next time, or why it will not fire here. */
  upcoming(): readonly { readonly name: string; readonly at?: Date; readonly never?: string }[];
  /** Invocations in flight finish; no new one starts. */
  stop(): Promise<void>;
}

/** The event the stack's schedule sends (constructs/schedule-trigger.ts), with the time Scheduler fills in. */
export function scheduledEvent(at: Date): { scheduledTime: string } {
  return { scheduledTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

export function startScheduleClock(
  functions: readonly ScheduledFunction[],
  options: { readonly say: (line: string) => void; readonly atStart?: boolean; readonly clock?: Clock },
): ScheduleClock {
  const clock = options.clock ?? REAL_CLOCK;
  const since = new Date(clock.now());
  const timers = new Map<string, { cancel(): void }>();
  const upcoming = new Map<string, { at?: Date; never?: string }>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const fire = (fn: ScheduledFunction, at: Date): void => {
    const started = clock.now();
    const run = fn
      .invoke(scheduledEvent(at))
      .then((result) => {
        const took = `${clock.now() - started} ms${result.coldStart ? ', cold start' : ''}`;
        if (result.ok) options.say(`schedule ${fn.name}: ran for ${scheduledEvent(at).scheduledTime} in ${took}`);
        else
          options.say(
            `schedule ${fn.name}: FAILED for ${scheduledEvent(at).scheduledTime} (${result.errorType}: ${result.errorMessage}) in ${took}; ` +
              `on AWS, Scheduler retries it up to ${fn.trigger.retryAttempts} time(s) within ${fn.trigger.maxEventAgeSeconds} s, then sends the event to its dead-letter queue`,
          );
      })
      .catch((error: unknown) => options.say(`schedule ${fn.name}: could not be invoked: ${(error as Error).message}`))
      .finally(() => running.delete(run));
    running.add(run);
  };

  const arm = (fn: ScheduledFunction, after: Date): void => {
    if (stopped) return;
    const next = nextFire(fn.trigger, after, since);
    if ('never' in next) {
      upcoming.set(fn.name, { never: next.never });
      return;
    }
    upcoming.set(fn.name, { at: next.at });
    const wait = (): void => {
      const left = next.at.getTime() - clock.now();
      if (left > 0) {
        timers.set(fn.name, clock.setTimer(wait, Math.min(left, LONGEST_TIMER_MS)));
        return;
      }
      if (stopped) return;
      fire(fn, next.at);
      // A timer that fired late (a machine asleep, a busy loop) runs the time it was set for once; the times missed
      // meanwhile are not caught up, as Scheduler does not run a schedule's past times: the next is after now.
      arm(fn, new Date(Math.max(next.at.getTime(), clock.now())));
    };
    wait();
  };

  for (const fn of functions) {
    if (options.atStart) fire(fn, since);
    arm(fn, since);
  }
  return {
    upcoming: () => functions.map((fn) => ({ name: fn.name, ...upcoming.get(fn.name) })),
    stop: async () => {
      stopped = true;
      for (const timer of timers.values()) timer.cancel();
      await Promise.all([...running]);
    },
  };
}
