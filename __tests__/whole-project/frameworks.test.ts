import * as fs from 'node:fs';
import * as path from 'node:path';
import { CDKTF_APP_NODE_FLAGS } from '../../use-cases/synth';
import { SynthDifference, addressesOf, bindingArguments, synthDifferences } from '../support/framework-compare';
import { PROJECT_ROOT, cliEnv, runCli, runNode } from '../support/processes';

/**
 * CDK Terrain, the community fork of the archived CDKTF, against CDKTF on the same sources: every stack synthesised
 * with each (frameworks/select.cjs chooses at load time), compared argument by argument, every difference explained in
 * the README's "CDKTF status"; and the arguments the fork's newer AWS provider offers, as the README lists them.
 */

const FRAMEWORKS = ['cdktf', 'cdktn'] as const;
const STACKS = ['api-dev', 'api-staging', 'api-prod', 'bootstrap'];
const README = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

/** The rows of the README's table whose header starts so: its cells, backticks taken off the first three. */
function tableStarting(header: string): string[][] {
  const table = README.slice(README.indexOf(`| ${header}`)).split('\n\n')[0];
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell, index) => (index < 3 ? cell.trim().replace(/^`|`$/g, '') : cell.trim())),
    );
}

/**
 * The repository's configuration with a service in every stack: its functions (dev and prod: the Node.js API and its
 * stats function behind one HTTP API), staging on the Python API with its worker on a queue and its scheduled digest,
 * and a reviewer for prod.
 */
const CONTEXT = {
  ...(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8')) as { context: Record<string, unknown> }).context,
  reviewers: { prod: ['octocat'] },
  environments: { staging: { function: 'python' } },
};

/** The build of that configuration, in a folder of this test's own inside the project. */
const BUILD_DIR = path.join(PROJECT_ROOT, '.build-frameworks-compare');

/** The cdktf app as `npm run synth` starts it (its Node flags load frameworks/select.cjs), with one framework. */
async function synth(framework: string, outdir: string): Promise<{ code: number; output: string }> {
  const result = await runNode('main.ts', [], {
    nodeFlags: CDKTF_APP_NODE_FLAGS,
    env: cliEnv({
      CDK_FRAMEWORK: framework,
      CDKTF_OUTDIR: outdir,
      BUILD_DIR,
      GITHUB_REPOSITORY: 'acme/layers',
      CDKTF_CONTEXT_JSON: JSON.stringify(CONTEXT),
    }),
  });
  return { code: result.code, output: result.stdout + result.stderr };
}

const stackOf = (outdir: string, stack: string) =>
  JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;

describe('CDK Terrain beside CDKTF, on the same sources', () => {
  const outdirs = Object.fromEntries(FRAMEWORKS.map((framework) => [framework, path.join(PROJECT_ROOT, `cdktf.out.${framework}-compare`)]));
  let results: Record<string, { code: number; output: string }>;

  beforeAll(async () => {
    // What the configuration deploys, built into a folder of the test's own (the Python staging stack's layer and bundles
    // too), inside the project as synth needs it.
    fs.rmSync(BUILD_DIR, { recursive: true, force: true });
    const build = await runCli(['build', '--only-used'], { env: cliEnv({ BUILD_DIR, CDKTF_CONTEXT_JSON: JSON.stringify(CONTEXT) }) });
    if (build.code !== 0) throw new Error(`the build for the comparison failed:\n${build.stderr}`);
    const done = await Promise.all(FRAMEWORKS.map((framework) => synth(framework, outdirs[framework])));
    results = Object.fromEntries(FRAMEWORKS.map((framework, index) => [framework, done[index]]));
  }, 120_000);

  afterAll(() => {
    for (const outdir of Object.values(outdirs)) fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  });

  it('synthesises every stack, bootstrap included, with each framework, and each synthesis was made by the framework asked for', () => {
    for (const framework of FRAMEWORKS) {
      expect([framework, results[framework].code, results[framework].output]).toEqual([framework, 0, '']);
      for (const stack of STACKS) expect(fs.existsSync(path.join(outdirs[framework], 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    }
    // A service in each: several functions, and in staging a queue and a schedule.
    for (const framework of FRAMEWORKS) {
      const resources = (stack: string) => stackOf(outdirs[framework], stack)['resource'] as Record<string, Record<string, unknown>>;
      expect(Object.keys(resources('api-dev')['aws_lambda_function'])).toHaveLength(2);
      expect(Object.keys(resources('api-staging')['aws_lambda_function'])).toHaveLength(3);
      expect(
        Object.keys(resources('api-staging'))
          .filter((type) => /sqs_queue$|scheduler_schedule$|event_source_mapping$/.test(type))
          .sort(),
      ).toEqual(['aws_lambda_event_source_mapping', 'aws_scheduler_schedule', 'aws_sqs_queue']);
    }
    const versions = FRAMEWORKS.map((framework) => (stackOf(outdirs[framework], 'api-dev')['//'] as { metadata: { version: string } }).metadata.version);
    expect(versions).toEqual(['0.21.0', '0.24.0']);
  });

  it('declares the same addresses, and the same arguments but for the differences the README explains, and no others', () => {
    const found = new Map<string, SynthDifference>();
    for (const stack of STACKS) {
      const [cdktf, cdktn] = FRAMEWORKS.map((framework) => stackOf(outdirs[framework], stack));
      expect([stack, addressesOf(cdktn)]).toEqual([stack, addressesOf(cdktf)]);
      expect(addressesOf(cdktf).length).toBeGreaterThan(0);
      for (const difference of synthDifferences(cdktf, cdktn)) found.set(difference.path, difference);
    }
    const explained = tableStarting('where, in each stack |').map(([where, first, second]) => ({ path: where, first, second }));
    expect([...found.values()].sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(explained.sort((a, b) => (a.path < b.path ? -1 : 1)));
  });

  it('would see a new difference: a resource argument that differs is named by its address and argument', () => {
    const base = { resource: { aws_lambda_function: { api: { runtime: 'nodejs24.x', handler: 'index.handler' } } } };
    const changed = { resource: { aws_lambda_function: { api: { runtime: 'nodejs24.x', handler: 'main.handler', code_sha256: 'x' } } } };
    expect(synthDifferences(base, changed)).toEqual([
      { path: 'resource.aws_lambda_function.api.code_sha256', second: '"x"' },
      { path: 'resource.aws_lambda_function.api.handler', first: '"index.handler"', second: '"main.handler"' },
    ]);
    expect(addressesOf({ ...changed, data: { aws_partition: { current: {} } }, output: { arn: {} } })).toEqual([
      'data.aws_partition.current',
      'output.arn',
      'resource.aws_lambda_function.api',
    ]);
  });

  it('refuses a framework it does not know, naming the allowed ones, and writes nothing', async () => {
    const outdir = path.join(PROJECT_ROOT, 'cdktf.out.unknown-framework');
    const result = await synth('pulumi', outdir);
    expect(result.code).toBe(1);
    expect(result.output).toBe('error: CDK_FRAMEWORK is "pulumi"; allowed: cdktf or cdktn (unset means cdktf).\n');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("lists, for every AWS resource, data source and provider the project uses, the arguments only CDK Terrain's provider offers", () => {
    const used = new Set<string>();
    for (const folder of ['stacks', 'constructs']) {
      for (const file of fs.readdirSync(path.join(PROJECT_ROOT, folder))) {
        if (!file.endsWith('.ts')) continue;
        const text = fs.readFileSync(path.join(PROJECT_ROOT, folder, file), 'utf8');
        for (const match of text.matchAll(/from '@cdktf\/provider-aws\/lib\/([a-z0-9-]+)'/g)) used.add(match[1]);
      }
    }
    expect(used.has('lambda-function')).toBe(true);
    const read = (root: string, binding: string) => bindingArguments(fs.readFileSync(path.join(root, 'lib', binding, 'index.d.ts'), 'utf8'));
    const cdktfAws = path.join(PROJECT_ROOT, 'node_modules', '@cdktf', 'provider-aws');
    const cdktnAws = path.join(PROJECT_ROOT, 'frameworks', 'cdktn', 'node_modules', '@cdktn', 'provider-aws');
    const added = [...used]
      .sort()
      .map((binding) => {
        const before = new Set(read(cdktfAws, binding));
        expect([binding, read(cdktfAws, binding).length > 0]).toEqual([binding, true]);
        return [binding, read(cdktnAws, binding).filter((argument) => !before.has(argument))] as const;
      })
      .filter(([, only]) => only.length > 0);
    const listed = tableStarting('binding |').map(([binding, only]) => [binding, only.split(', ').map((cell) => cell.replace(/`/g, ''))] as const);
    expect(Object.fromEntries(added)).toEqual(Object.fromEntries(listed));
    expect(Object.fromEntries(added)['lambda-function']).toContain('code_sha256');
  });
});
