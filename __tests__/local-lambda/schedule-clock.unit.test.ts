import { Clock, ScheduledFunction, startScheduleClock } from '../../local-lambda/schedule-clock';
import { InvokeResult } from '../../local-lambda/local-function';

/** The local Scheduler's clock, on a time source the test moves: what it invokes, when, with what, and what it says. */

class TestClock implements Clock {
  private timers: { due: number; callback: () => void; cancelled: boolean }[] = [];
  /** The longest wait any timer was set for. */
  longest = 0;
  constructor(private time: number) {}
  now(): number {
    return this.time;
  }
  setTimer(callback: () => void, ms: number): { cancel(): void } {
    this.longest = Math.max(this.longest, ms);
    const timer = { due: this.time + ms, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
  pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }
  /** Moves time forward with no timer running (a machine asleep), then runs those due, late. */
  async sleep(ms: number): Promise<void> {
    this.time += ms;
    await this.advance(0);
  }

  /** Moves time forward, running each timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => !timer.cancelled && timer.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.due);
      due.callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = end;
  }
}

const START = Date.parse('2026-12-07T21:00:00Z');
const schedule = (expression: string) => ({ type: 'schedule' as const, expression, timezone: 'UTC', retryAttempts: 3, maxEventAgeSeconds: 3600 });

function fn(name: string, expression: string, answer: () => InvokeResult = () => ({ ok: true, payload: null, coldStart: false })) {
  const events: unknown[] = [];
  const scheduled: ScheduledFunction = {
    name,
    functionName: `acme-dev-${name}`,
    trigger: schedule(expression),
    invoke: (event) => {
      events.push(event);
      return Promise.resolve(answer());
    },
  };
  return { scheduled, events };
}

describe("the local run's schedule clock", () => {
  it('invokes each function at its times with the event its schedule sends, and says so', async () => {
    const clock = new TestClock(START);
    const lines: string[] = [];
    const often = fn('often', 'rate(5 minutes)');
    const daily = fn('daily', 'cron(15 0 * * ? *)');
    const running = startScheduleClock([often.scheduled, daily.scheduled], { say: (line) => lines.push(line), clock });
    expect(running.upcoming()).toEqual([
      { name: 'often', at: new Date('2026-12-07T21:05:00Z') },
      { name: 'daily', at: new Date('2026-12-08T00:15:00Z') },
    ]);
    await clock.advance(4 * 60_000);
    expect(often.events).toEqual([]);
    await clock.advance(11 * 60_000);
    expect(often.events).toEqual([
      { scheduledTime: '2026-12-07T21:05:00Z' },
      { scheduledTime: '2026-12-07T21:10:00Z' },
      { scheduledTime: '2026-12-07T21:15:00Z' },
    ]);
    await clock.advance(3 * 3_600_000);
    expect(daily.events).toEqual([{ scheduledTime: '2026-12-08T00:15:00Z' }]);
    expect(often.events).toHaveLength(39);
    expect(lines).toContain('schedule often: ran for 2026-12-07T21:05:00Z in 0 ms');
    await running.stop();
    await clock.advance(3_600_000);
    expect(often.events).toHaveLength(39);
    expect(clock.pending()).toBe(0);
  });

  it('runs each once at the start when asked, and says what Scheduler would do with a failure', async () => {
    const clock = new TestClock(START);
    const lines: string[] = [];
    const failing = fn('failing', 'rate(1 day)', () => ({
      ok: false,
      errorType: 'Runtime.ImportModuleError',
      errorMessage: 'No module named mangum',
      coldStart: true,
    }));
    const running = startScheduleClock([failing.scheduled], { say: (line) => lines.push(line), clock, atStart: true });
    await clock.advance(0);
    expect(failing.events).toEqual([{ scheduledTime: '2026-12-07T21:00:00Z' }]);
    expect(lines).toEqual([
      'schedule failing: FAILED for 2026-12-07T21:00:00Z (Runtime.ImportModuleError: No module named mangum) in 0 ms, cold start; ' +
        'on AWS, Scheduler retries it up to 3 time(s) within 3600 s, then sends the event to its dead-letter queue',
    ]);
    await running.stop();
  });

  it('waits in steps for a time beyond the longest timer, and fires nothing for a schedule that will not fire here', async () => {
    const clock = new TestClock(START);
    const later = fn('later', 'cron(0 0 1 1 ? 2030)');
    const past = fn('past', 'cron(0 0 1 1 ? 2020)');
    const running = startScheduleClock([later.scheduled, past.scheduled], { say: () => undefined, clock });
    expect(running.upcoming()[1]).toEqual({ name: 'past', never: 'cron(0 0 1 1 ? 2020) has no time left to fire' });
    expect(clock.pending()).toBe(1);
    await clock.advance(Date.parse('2030-01-01T00:00:00Z') - START - 1);
    expect(later.events).toEqual([]);
    await clock.advance(1);
    expect(later.events).toEqual([{ scheduledTime: '2030-01-01T00:00:00Z' }]);
    // Node's timers wait at most 2^31 - 1 ms; the three years were waited in steps.
    expect(clock.longest).toBe(2 ** 31 - 1);
    expect(past.events).toEqual([]);
    await running.stop();
  });

  it('lets an invocation in flight finish when stopped, and starts none after', async () => {
    const clock = new TestClock(START);
    let finish: (result: InvokeResult) => void = () => undefined;
    const slow: ScheduledFunction = {
      name: 'slow',
      functionName: 'acme-dev-slow',
      trigger: schedule('rate(1 minute)'),
      invoke: () => new Promise((resolve) => (finish = resolve)),
    };
    const lines: string[] = [];
    const running = startScheduleClock([slow], { say: (line) => lines.push(line), clock });
    await clock.advance(60_000);
    let stopped = false;
    const stopping = running.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish({ ok: true, payload: null, coldStart: false });
    await stopping;
    expect(lines).toEqual(['schedule slow: ran for 2026-12-07T21:01:00Z in 0 ms']);
  });

  it('runs a time missed while the machine slept once, with the time it was for, and goes on from now', async () => {
    const clock = new TestClock(START);
    const often = fn('often', 'rate(1 minute)');
    const running = startScheduleClock([often.scheduled], { say: () => undefined, clock });
    await clock.sleep(60 * 60_000 + 30_000);
    expect(often.events).toEqual([{ scheduledTime: '2026-12-07T21:01:00Z' }]);
    expect(running.upcoming()).toEqual([{ name: 'often', at: new Date('2026-12-07T22:01:00Z') }]);
    await clock.advance(30_000);
    expect(often.events).toEqual([{ scheduledTime: '2026-12-07T21:01:00Z' }, { scheduledTime: '2026-12-07T22:01:00Z' }]);
    await running.stop();
  });

  it('says a function that could not be invoked, and runs it again at its next time', async () => {
    const clock = new TestClock(START);
    const lines: string[] = [];
    let calls = 0;
    const broken: ScheduledFunction = {
      name: 'broken',
      functionName: 'acme-dev-broken',
      trigger: schedule('rate(1 minute)'),
      invoke: () => {
        calls += 1;
        return Promise.reject(new Error('spawn python3.12 ENOENT'));
      },
    };
    const running = startScheduleClock([broken], { say: (line) => lines.push(line), clock });
    await clock.advance(120_000);
    expect(calls).toBe(2);
    expect(lines).toEqual(['schedule broken: could not be invoked: spawn python3.12 ENOENT', 'schedule broken: could not be invoked: spawn python3.12 ENOENT']);
    await running.stop();
  });
});
