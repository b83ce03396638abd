import { judgeCanary, parseDuration } from '../../rollout/canary';
import { canaryOf, changedFunctions, functionsLiveAt, liveOn, nothingPublished, planRollout, recoveryAfter, terraformVars } from '../../rollout/plan';
import { PROBE_ROUTES, judgeEventProbe, judgeProbe, probeEvent, probesOf } from '../../rollout/probe';
import { changedAddresses, isStalePlan } from '../../rollout/terraform';

const [root, list] = PROBE_ROUTES as [(typeof PROBE_ROUTES)[number], (typeof PROBE_ROUTES)[number]];
const ok = (body: unknown) => JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe("the rollout's phases", () => {
  it('holds live on the current version while publishing, probes, then moves live', () => {
    const phases = planRollout({ previousLive: '6' });
    expect(phases.map((phase) => phase.kind)).toEqual(['publish', 'probe', 'go-live']);
    expect(phases[0]).toEqual({ kind: 'publish', vars: { liveVersion: '6', canaryVersion: '', canaryPercent: 0 } });
    expect(phases[2].kind === 'go-live' && phases[2].vars('7')).toEqual({ liveVersion: '7', canaryVersion: '', canaryPercent: 0 });
  });

  it('with a canary: the new version takes its share beside the old one, is watched, then takes all', () => {
    const phases = planRollout({ previousLive: '6', canary: { percent: 10, watchSeconds: 600 } });
    expect(phases.map((phase) => phase.kind)).toEqual(['publish', 'probe', 'canary', 'watch', 'go-live']);
    expect(phases[2].kind === 'canary' && phases[2].vars('7')).toEqual({ liveVersion: '6', canaryVersion: '7', canaryPercent: 10 });
    expect(phases[3]).toEqual({ kind: 'watch', seconds: 600 });
  });

  it("on a stack's first deploy, goes live in the publishing apply (there is nothing to hold), then probes to report", () => {
    const phases = planRollout({ canary: { percent: 10, watchSeconds: 600 } });
    expect(phases).toEqual([{ kind: 'publish', vars: { liveVersion: '', canaryVersion: '', canaryPercent: 0 } }, { kind: 'probe' }]);
  });

  it('has nothing to roll out when the publishing apply published no version', () => {
    expect(nothingPublished({ previousLive: '6' }, '6')).toBe(true);
    expect(nothingPublished({ previousLive: '6' }, '7')).toBe(false);
    expect(nothingPublished({}, '1')).toBe(false);
  });

  it('gives Terraform the variables as -var arguments, in a fixed order', () => {
    expect(terraformVars({ liveVersion: '6', canaryVersion: '7', canaryPercent: 10 })).toEqual([
      '-var=live_version=6',
      '-var=canary_version=7',
      '-var=canary_percent=10',
    ]);
    expect(terraformVars(liveOn(''))).toEqual(['-var=live_version=', '-var=canary_version=', '-var=canary_percent=0']);
  });

  it('after each kind of failure: nothing moved before traffic, live returns once the new version took any', () => {
    const input = { previousLive: '6', canary: { percent: 10, watchSeconds: 600 } };
    expect(recoveryAfter('publish', input)).toEqual({ summary: 'The apply that publishes failed; live stays on version 6.' });
    expect(recoveryAfter('probe', input, '7')).toEqual({ summary: 'version 7 did not answer the probe, so live stays on version 6; nothing took traffic.' });
    for (const phase of ['canary', 'watch', 'go-live'] as const) {
      expect(recoveryAfter(phase, input, '7')).toEqual({
        revert: { liveVersion: '6', canaryVersion: '', canaryPercent: 0 },
        summary: `version 7 failed while taking traffic (${phase}); live returns to version 6.`,
      });
    }
    expect(recoveryAfter('probe', {}, '1').revert).toBeUndefined();
    expect(recoveryAfter('probe', {}, '1').summary).toContain('first deploy, so version 1 went live in its apply and there is no earlier version to return to');
  });
});

describe('the rollout of a stack of several functions: all aliases or none', () => {
  const functions = [
    { name: 'worker', previousLive: '4', http: false },
    { name: 'stats', previousLive: '2', http: true },
    { name: 'digest', http: false },
  ];
  const input = { previousLive: '6', functions };

  it('holds every alias while publishing (a new function goes to its newest), then moves all in one apply', () => {
    const phases = planRollout(input);
    expect(phases.map((phase) => phase.kind)).toEqual(['publish', 'probe', 'go-live']);
    expect(phases[0]).toEqual({ kind: 'publish', vars: { ...liveOn('6'), functionLive: { worker: '4', stats: '2' }, functionCanary: {} } });
    expect(phases[2].kind === 'go-live' && phases[2].vars('7', { worker: '5', stats: '2', digest: '1' })).toEqual({
      ...liveOn('7'),
      functionLive: { worker: '5', stats: '2', digest: '1' },
      functionCanary: {},
    });
    expect(terraformVars((phases[0] as { vars: Parameters<typeof terraformVars>[0] }).vars)).toEqual([
      '-var=live_version=6',
      '-var=canary_version=',
      '-var=canary_percent=0',
      '-var=function_live_versions={"stats":"2","worker":"4"}',
      '-var=function_canary_versions={}',
    ]);
  });

  it('gives each changed HTTP function a canary beside its live, the others wait, and a revert puts every alias back', () => {
    const phases = planRollout({ ...input, canary: { percent: 10, watchSeconds: 60 } });
    expect(phases[2].kind === 'canary' && phases[2].vars('7', { worker: '5', stats: '3', digest: '1' })).toEqual({
      liveVersion: '6',
      canaryVersion: '7',
      canaryPercent: 10,
      functionLive: { worker: '4', stats: '2' },
      functionCanary: { stats: '3' },
    });
    // Only the worker changed: the API takes no canary of itself.
    expect(phases[2].kind === 'canary' && phases[2].vars('6', { worker: '5', stats: '2' })).toEqual({
      liveVersion: '6',
      canaryVersion: '',
      canaryPercent: 10,
      functionLive: { worker: '4', stats: '2' },
      functionCanary: {},
    });
    // A new HTTP function has no alias to stand beside: it goes live with the others.
    expect(canaryOf({ functions: [{ name: 'fresh', http: true }] }, { fresh: '1' })).toEqual({});
    expect(canaryOf(input, { worker: '5', stats: '3', digest: '1' })).toEqual({ stats: '3' });
    expect(recoveryAfter('watch', input, '7').revert).toEqual({ ...liveOn('6'), functionLive: { worker: '4', stats: '2' }, functionCanary: {} });
    expect(recoveryAfter('probe', input, '7')).toEqual({
      summary:
        'The probe failed, so no alias of the stack moves: live stays on version 6, and every other function on its previous version; nothing took traffic.',
    });
  });

  it('knows which functions changed, and that nothing did only when none did', () => {
    expect(changedFunctions(input, { api: '6', functions: { worker: '5', stats: '2', digest: '1' } })).toEqual(['worker', 'digest']);
    expect(changedFunctions(input, { api: '7', functions: { worker: '4', stats: '2' } })).toEqual(['api']);
    expect(nothingPublished(input, '6', { worker: '4', stats: '2', digest: '1' })).toBe(false);
    expect(nothingPublished({ ...input, functions: functions.slice(0, 2) }, '6', { worker: '4', stats: '2' })).toBe(true);
    expect(nothingPublished({ ...input, functions: functions.slice(0, 2) }, '6', { worker: '5', stats: '2' })).toBe(false);
    // A function new to the stack has published its first version, whatever the others did.
    expect(nothingPublished(input, '6', { worker: '4', stats: '2' })).toBe(false);
    // A function the apply left without a version is not one that changed.
    expect(changedFunctions(input, { api: '6', functions: { stats: '2' } })).toEqual([]);
    // A first deploy of a service puts every alias on its newest.
    expect(planRollout({ functions })[0]).toEqual({ kind: 'publish', vars: { ...liveOn(''), functionLive: {}, functionCanary: {} } });
  });

  it("says where each other function's alias points at each stage: held, published (a new function on its newest), live", () => {
    const newest = { worker: '5', stats: '2', digest: '1' };
    expect(functionsLiveAt(input, 'held', newest)).toEqual({ worker: '4', stats: '2', digest: undefined });
    expect(functionsLiveAt(input, 'published', newest)).toEqual({ worker: '4', stats: '2', digest: '1' });
    expect(functionsLiveAt(input, 'live', newest)).toEqual({ worker: '5', stats: '2', digest: '1' });
    // A function the apply left without a version stays where it was.
    expect(functionsLiveAt(input, 'live', { worker: '5' })).toEqual({ worker: '5', stats: '2', digest: undefined });
    // The stack's first deploy: every alias went to its newest in the publishing apply.
    expect(functionsLiveAt({ functions }, 'published', newest)).toEqual(newest);
    expect(functionsLiveAt({ previousLive: '6' }, 'live', newest)).toEqual({});
  });

  it('probes a function through its plain GET routes, else with the probe event, which its answer must echo', () => {
    expect(
      probesOf({ name: 'stats', trigger: { type: 'http', routes: ['GET /api/stats', 'GET /api/{id}', 'POST /x'] } }).map(
        (probe) => probe.kind === 'route' && probe.route.name,
      ),
    ).toEqual(['stats: GET /api/stats']);
    expect(probesOf({ name: 'upload', trigger: { type: 'http', routes: ['POST /x'] } })).toEqual([{ kind: 'event' }]);
    expect(probesOf({ name: 'worker', trigger: { type: 'queue' } })).toEqual([{ kind: 'event' }]);
    expect(judgeEventProbe('worker', 't1', { payload: '{"probe":"t1","function":"worker"}' })).toMatchObject({ route: 'worker: probe event', ok: true });
    expect(judgeEventProbe('worker', 't1', { payload: '{"batchItemFailures":[]}' })).toMatchObject({
      ok: false,
      detail: expect.stringContaining('did not answer the probe event'),
    });
    expect(judgeEventProbe('worker', 't1', { payload: '{"probe":"t0"}' })).toMatchObject({ ok: false });
    expect(
      judgeEventProbe('worker', 't1', {
        functionError: 'Unhandled',
        payload: '{"errorType":"Runtime.ImportModuleError","errorMessage":"No module named mangum"}',
      }),
    ).toMatchObject({
      ok: false,
      errorType: 'Runtime.ImportModuleError',
      detail: 'the function failed: Runtime.ImportModuleError: No module named mangum',
    });
  });
});

describe('the canary decision', () => {
  const at = (minute: number, value: number) => ({ timestamp: `2026-11-28T05:${String(minute).padStart(2, '0')}:00.000Z`, value });
  const clean = { errors: [at(1, 0), at(2, 0)], throttles: [], invocations: [at(1, 40), at(2, 35)] };

  it('waits while the window is clean and not over, then promotes, counting invocations', () => {
    expect(judgeCanary(clean, 120, 600)).toEqual({ decision: 'wait', reason: '75 invocation(s), no errors or throttles, 480 s of the window left' });
    expect(judgeCanary(clean, 600, 600)).toEqual({ decision: 'promote', invocations: 75, reason: '75 invocation(s) in 600 s without an error or a throttle' });
  });

  it('reverts at the first error or throttle, without waiting for the window', () => {
    expect(judgeCanary({ ...clean, errors: [at(1, 0), at(2, 3)] }, 90, 600)).toEqual({
      decision: 'revert',
      reason: 'the new version had 3 error(s) in 75 invocation(s) after 90 s',
    });
    expect(judgeCanary({ ...clean, throttles: [at(2, 1)] }, 90, 600).reason).toBe('the new version had 1 throttle(s) in 75 invocation(s) after 90 s');
  });

  it('says so when no request reached the canary', () => {
    expect(judgeCanary({ errors: [], throttles: [], invocations: [] }, 600, 600)).toEqual({
      decision: 'promote',
      invocations: 0,
      reason: 'no request reached the canary in 600 s, so only the probe vouches for the new version',
    });
  });

  it('reads durations as people write them', () => {
    expect(['10m', '90s', '1h30m', '600', 'soon', ''].map(parseDuration)).toEqual([600, 90, 5400, 600, undefined, undefined]);
  });
});

describe("the probe's judgement", () => {
  it('sends API Gateway payload 2.0 events for the read-only routes', () => {
    const event = probeEvent(list.path, 'req-1', new Date('2026-11-28T05:00:00Z'));
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /api/messages/',
      rawPath: '/api/messages/',
      requestContext: { http: { method: 'GET', path: '/api/messages/' }, requestId: 'req-1' },
    });
    expect(PROBE_ROUTES.map((route) => route.name)).toEqual(['GET /', 'GET /api/messages/']);
  });

  it('passes a 200 with the body the route answers', () => {
    expect(judgeProbe(root, { payload: ok({ status: 'ok', provider: 'aws', version: '3.0.0' }) })).toMatchObject({ ok: true, status: 200 });
    expect(judgeProbe(list, { payload: ok([{ id: 'a', content: 'b', author: 'c', created_at: 'd' }]) })).toMatchObject({ ok: true });
  });

  it('fails a function error with its text, Runtime.ImportModuleError above all', () => {
    const payload = JSON.stringify({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Unable to import module 'main': No module named 'mangum'",
      stackTrace: [],
    });
    expect(judgeProbe(root, { functionError: 'Unhandled', payload })).toEqual({
      route: 'GET /',
      ok: false,
      errorType: 'Runtime.ImportModuleError',
      detail: "the function failed: Runtime.ImportModuleError: Unable to import module 'main': No module named 'mangum'",
      answer: payload,
    });
  });

  it('fails another status, a body that is not JSON, and one the route never answers', () => {
    expect(judgeProbe(list, { payload: ok({ error: 'storage_unavailable' }).replace('"statusCode":200', '"statusCode":503') })).toMatchObject({
      ok: false,
      status: 503,
      detail: 'HTTP 503, expected 200',
    });
    expect(judgeProbe(root, { payload: JSON.stringify({ statusCode: 200, body: 'hello' }) })).toMatchObject({
      ok: false,
      detail: 'the body is not JSON; expected a JSON object with "status": "ok"',
    });
    expect(judgeProbe(list, { payload: ok({ status: 'ok' }) })).toMatchObject({ ok: false, detail: 'the body is not a JSON array of messages' });
    expect(judgeProbe(root, { payload: 'not json' })).toMatchObject({ ok: false, detail: 'the function answered something that is not JSON' });
  });
});

describe('reading Terraform', () => {
  it('finds what a plan changes besides reads and no-ops', () => {
    const plan = {
      resource_changes: [
        { address: 'aws_lambda_alias.api_live', type: 'aws_lambda_alias', change: { actions: ['update'] } },
        { address: 'data.archive_file.x', type: 'archive_file', change: { actions: ['read'] } },
        { address: 'aws_lambda_function.api', type: 'aws_lambda_function', change: { actions: ['no-op'] } },
        { address: 'aws_lambda_layer_version.l', type: 'aws_lambda_layer_version', change: { actions: ['create', 'delete'] } },
      ],
    };
    expect(changedAddresses(plan)).toEqual([
      { address: 'aws_lambda_alias.api_live', type: 'aws_lambda_alias', actions: ['update'] },
      { address: 'aws_lambda_layer_version.l', type: 'aws_lambda_layer_version', actions: ['create', 'delete'] },
    ]);
  });

  it("recognises Terraform's refusal of a stale saved plan", () => {
    expect(isStalePlan('Error: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed')).toBe(true);
    expect(isStalePlan('Error: creating Lambda Function')).toBe(false);
  });
});
