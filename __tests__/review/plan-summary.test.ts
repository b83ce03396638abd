import { PLUGINS } from '../../family-plugins/registry';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contentHashIn, kindOf, parsePlan, renderPlanSummary, summarisePlan, TerraformPlan } from '../../review/plan-summary';
import { stackOfPlanFile } from '../../use-cases/review-plan';
import { runCli } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { FIXTURES } from '../support/test-project';

const PLANS = path.join(FIXTURES, 'plans');
const fixture = (name: string): TerraformPlan => parsePlan(fs.readFileSync(path.join(PLANS, `${name}.json`), 'utf8'), name);
const markdown = (name: string): string => renderPlanSummary('api-staging', summarisePlan(fixture(name), { families: PLUGINS }));

describe('plan summary', () => {
  it('reads a layer replacement with create_before_destroy as a new version, with the content hashes and why', () => {
    const summary = summarisePlan(fixture('layer-replace-create-before-destroy'), { families: PLUGINS });
    expect(summary.counts).toEqual({ add: 0, change: 1, replace: 1, destroy: 0 });
    expect(summary.destructive).toEqual([]);
    expect(summary.layers).toEqual([
      '`multicloud-auto-deploy-staging-dependencies`: new version, content `f07b2d069bc0349d` → `9a1b2c3d4e5f6071`. Replaced because of: `description`, `source_code_hash`. Run by `multicloud-auto-deploy-staging-api`.',
    ]);
    expect(summary.functions).toEqual(['`multicloud-auto-deploy-staging-api`: layers → new version ARNs (known after apply)']);
    expect(markdown('layer-replace-create-before-destroy')).toContain(
      '| replace (create before destroy) | `aws_lambda_layer_version.layer-dependencies_version_1A91A2F0` |',
    );
  });

  it('reads a layer replacement without create_before_destroy the same way, with its order', () => {
    expect(summarisePlan(fixture('layer-replace'), { families: PLUGINS }).layers).toEqual(
      summarisePlan(fixture('layer-replace-create-before-destroy'), { families: PLUGINS }).layers,
    );
    expect(markdown('layer-replace')).toContain('| replace (destroy before create) |');
  });

  it('lists, for each new layer version, the functions that will run it, and reports the functions that do not change', () => {
    // A service on the split strategy: the web layer gets a new version, the core layer does not; the worker and the
    // digest attach only core, so their code and layers stay and they are said to be unchanged.
    const summary = summarisePlan(fixture('service-split-layers'), { families: PLUGINS });
    expect(summary.layers).toEqual([
      '`multicloud-auto-deploy-staging-web`: new version, content `1111111111111111` → `2222222222222222`. Replaced because of: `description`. Run by `multicloud-auto-deploy-staging-api`.',
    ]);
    expect(summary.layerPackages.map((review) => [review.layer, review.functions])).toEqual([
      ['multicloud-auto-deploy-staging-web', ['multicloud-auto-deploy-staging-api']],
    ]);
    expect(summary.functions).toEqual(['`multicloud-auto-deploy-staging-api`: layers → new version ARNs (known after apply)']);
    expect(summary.unchanged).toEqual(['multicloud-auto-deploy-staging-digest', 'multicloud-auto-deploy-staging-worker']);
    const text = renderPlanSummary('api-staging', summary);
    expect(text).toContain(
      '**Packages of `multicloud-auto-deploy-staging-web`** (content `1111111111111111` → `2222222222222222`, run by `multicloud-auto-deploy-staging-api`)',
    );
    expect(text).toContain('- `multicloud-auto-deploy-staging-worker`: unchanged (code, layers and settings)');
    expect(text).toContain('- `multicloud-auto-deploy-staging-digest`: unchanged (code, layers and settings)');

    // The plan's configuration decides, not the deployed ARNs: a function moving onto the layer runs the new version.
    const plan = fixture('service-split-layers');
    const moved = {
      ...plan,
      layerReferences: { ...plan.layerReferences, 'aws_lambda_function.worker_function_DDDD': ['aws_lambda_layer_version.layer-web_version_AAAA'] },
    };
    expect(summarisePlan(moved, { families: PLUGINS }).layerPackages[0].functions).toEqual([
      'multicloud-auto-deploy-staging-api',
      'multicloud-auto-deploy-staging-worker',
    ]);
    // Without the configuration, the deployed ARNs say who runs the layer, and a function whose layers are unknown
    // until apply leaves it unsaid rather than guessed.
    const bare = { ...plan, layerReferences: undefined };
    expect(summarisePlan(bare, { families: PLUGINS }).layerPackages[0].functions).toEqual(['multicloud-auto-deploy-staging-api']);
    const created = {
      ...bare,
      resource_changes: [
        ...bare.resource_changes,
        {
          address: 'aws_lambda_function.new',
          mode: 'managed' as const,
          type: 'aws_lambda_function',
          name: 'new',
          change: { actions: ['create'], after: { function_name: 'x-new' }, after_unknown: { layers: true } },
        },
      ],
    };
    expect(summarisePlan(created, { families: PLUGINS }).layerPackages[0].functions).toBeUndefined();
    // A function the plan destroys runs nothing; a layer whose name only begins like this one's is another layer.
    const arn = (layer: string) => `arn:aws:lambda:ap-northeast-1:123456789012:layer:multicloud-auto-deploy-staging-${layer}:3`;
    const near = {
      ...bare,
      resource_changes: [
        ...bare.resource_changes,
        {
          address: 'aws_lambda_function.gone',
          mode: 'managed' as const,
          type: 'aws_lambda_function',
          name: 'gone',
          change: { actions: ['delete'], before: { function_name: 'x-gone', layers: [arn('web')] } },
        },
        {
          address: 'aws_lambda_function.near',
          mode: 'managed' as const,
          type: 'aws_lambda_function',
          name: 'near',
          change: {
            actions: ['no-op'],
            before: { function_name: 'x-near', layers: [arn('web-extra')] },
            after: { function_name: 'x-near', layers: [arn('web-extra')] },
          },
        },
      ],
    };
    expect(summarisePlan(near, { families: PLUGINS }).layerPackages[0].functions).toEqual(['multicloud-auto-deploy-staging-api']);
    // A new version no function of the plan attaches is said to be so.
    const unattached = { ...plan, layerReferences: Object.fromEntries(Object.keys(plan.layerReferences!).map((address) => [address, []])) };
    expect(summarisePlan(unattached, { families: PLUGINS }).layers[0]).toMatch(/Replaced because of: `description`\. No function of this plan attaches it\.$/);
    expect(summarisePlan(created, { families: PLUGINS }).layers[0]).not.toContain('Run by');
  });

  it("shows in each function's coverage the layers it gets: chosen by its imports, or listed by hand", () => {
    const rows = [{ module: 'boto3', where: 'handlers/python_api/worker.py:3', provider: 'python3.12 runtime' }];
    const summary = summarisePlan(fixture('service-split-layers'), {
      families: PLUGINS,
      coverage: new Map([['multicloud-auto-deploy-staging-api', rows]]),
      functionLayers: new Map([
        [
          'multicloud-auto-deploy-staging-api',
          { attached: ['multicloud-auto-deploy-staging-core'], candidates: ['multicloud-auto-deploy-staging-core', 'multicloud-auto-deploy-staging-web'] },
        ],
      ]),
    });
    const text = renderPlanSummary('api-staging', summary);
    expect(text).toContain(
      'Layers chosen by its imports: `multicloud-auto-deploy-staging-core`, of `multicloud-auto-deploy-staging-core`, `multicloud-auto-deploy-staging-web`.',
    );
    const byHand = summarisePlan(fixture('service-split-layers'), {
      families: PLUGINS,
      coverage: new Map([['multicloud-auto-deploy-staging-api', rows]]),
      functionLayers: new Map([['multicloud-auto-deploy-staging-api', { attached: ['multicloud-auto-deploy-staging-web'] }]]),
    });
    expect(renderPlanSummary('api-staging', byHand)).toContain('Layers listed by hand: `multicloud-auto-deploy-staging-web`.');
  });

  it('names what a function update changes', () => {
    expect(summarisePlan(fixture('function-update'), { families: PLUGINS })).toMatchObject({
      counts: { add: 0, change: 1, replace: 0, destroy: 0 },
      layers: [],
      functions: ['`multicloud-auto-deploy-staging-api`: code changes; memory_size 512 → 1024'],
    });
  });

  it('flags a destructive table replacement and a log group destroy first and loudly', () => {
    const text = markdown('table-replace');
    expect(text).toMatch(
      /^### Plan for `api-staging`: 0 to add, 1 to change, 1 to replace, 1 to destroy\n\n> \[!CAUTION\]\n> \*\*Destructive changes: read these before approving\.\*\*/,
    );
    expect(text).toContain(
      '> - **replace** DynamoDB table `multicloud-auto-deploy-prod-messages` (`aws_dynamodb_table.messages_table_FB6FB9DB`): its items are lost unless restored from a backup. Replaced because of: `hash_key`, `range_key`.',
    );
    expect(text).toContain('> - **destroy** log group `/aws/apigateway/multicloud-auto-deploy-prod-api`');
    expect(text.indexOf('CAUTION')).toBeLessThan(text.indexOf('Every change'));
  });

  it('counts data source reads apart from changes and leaves out no-ops', () => {
    const summary = summarisePlan(fixture('data-reads'), { families: PLUGINS });
    expect(summary.reads).toBe(1);
    expect(summary.others).toEqual([{ kind: 'change', address: 'aws_iam_role_policy.api_access-policy_2A2551A1' }]);
    expect(markdown('data-reads')).toContain('1 data source(s) will be read during apply.');
  });

  it('says "No changes" when there are none', () => {
    expect(markdown('no-change')).toBe('### Plan for `api-staging`: No changes.\n\nThe deployed infrastructure matches the configuration.\n');
  });

  it('shows a first deploy: a new layer with its content hash, a created function', () => {
    expect(summarisePlan(fixture('first-deploy'), { families: PLUGINS })).toMatchObject({
      counts: { add: 2, change: 0, replace: 0, destroy: 0 },
      layers: ['`multicloud-auto-deploy-dev-stable`: new layer, content `1234567890abcdef`'],
      functions: ['`multicloud-auto-deploy-dev-api`: created'],
    });
  });

  it('classifies every action list Terraform writes', () => {
    const change = (actions: string[]) => ({ address: 'a', mode: 'managed' as const, type: 't', name: 'n', change: { actions } });
    expect(
      [['no-op'], ['create'], ['update'], ['delete'], ['delete', 'create'], ['create', 'delete'], ['read'], ['forget']].map((a) => kindOf(change(a))),
    ).toEqual(['none', 'add', 'change', 'destroy', 'replace', 'replace', 'read', 'forget']);
    expect(contentHashIn('content 0123456789abcdef | nodejs24.x x86_64 | hono@4')).toBe('0123456789abcdef');
    expect(contentHashIn('hand-written description')).toBeUndefined();
  });

  it('refuses input that is not JSON, not a plan, or a state, saying how to make a plan', () => {
    expect(() => parsePlan('{"format_version":', 'plan.json')).toThrow(
      /^plan\.json is not JSON \(.*\)\. Make it with `terraform show -json plan\.tfplan > plan\.json`\.$/,
    );
    expect(() => parsePlan('{"hello":"world"}', 'plan.json')).toThrow('plan.json is not a Terraform plan (no format_version and planned_values).');
    expect(() => parsePlan('{"format_version":"1.0","values":{}}', 'state.json')).toThrow('state.json is a Terraform state, not a plan.');
  });
});

describe('npm run plan:summary', () => {
  it('prints one section per plan, titled by the stack folder', async () => {
    const dir = makeTempDir('plans');
    for (const stack of ['api-dev', 'api-prod']) {
      fs.mkdirSync(path.join(dir, stack));
      fs.copyFileSync(path.join(PLANS, stack === 'api-dev' ? 'no-change.json' : 'table-replace.json'), path.join(dir, stack, 'plan.json'));
    }
    const result = await runCli(['plan:summary', path.join(dir, 'api-dev', 'plan.json'), path.join(dir, 'api-prod', 'plan.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^### Plan for `api-dev`: No changes\./);
    expect(result.stdout).toContain('### Plan for `api-prod`: 0 to add, 1 to change, 1 to replace, 1 to destroy');
    expect(stackOfPlanFile('cdktf.out/stacks/api-staging/plan.json')).toBe('api-staging');
  });

  it('fails with the reason for bad input', async () => {
    const file = path.join(makeTempDir('bad-plan'), 'plan.json');
    fs.writeFileSync(file, 'not json');
    const result = await runCli(['plan:summary', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not JSON');
    expect((await runCli(['plan:summary'])).code).toBe(2);
  });
});
