import { SCHEDULED_INPUT, scheduleTriggerProblems } from '../../constructs/schedule-trigger';

describe('ScheduleTrigger', () => {
  const settings = { type: 'schedule' as const, expression: 'rate(1 day)', timezone: 'UTC', retryAttempts: 2, maxEventAgeSeconds: 3600 };

  it('passes the time each run was scheduled for, which Scheduler fills in', () => {
    expect(JSON.parse(SCHEDULED_INPUT)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
  });

  it('refuses a name Scheduler would refuse and an expression it would not take', () => {
    expect(scheduleTriggerProblems({ scheduleName: 'p-dev-digest', settings })).toEqual([]);
    const problems = scheduleTriggerProblems({ scheduleName: 'a b', settings: { ...settings, expression: 'daily' } });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('scheduleName "a b" is not 1 to 64 letters, digits, ".", "_" and "-"');
    expect(problems[1]).toMatch(/^expression "daily" is not a schedule/);
  });
});
