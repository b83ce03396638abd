/**
 * No path between environments, read from what synth writes: the bootstrap stack (CI roles, function roles,
 * buckets and key) and every environment's API stack (which role its function runs as), fed to the chain
 * analysis of iam/access-chains.ts. The same checks, fed the policies as they were before issue 21
 * (fixtures/iam/before-issue-21.json), find the dev-to-prod paths, so they can fail.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Testing } from 'cdktf';
import { AccessAnalysis, AccountModel, Target } from '../../iam/access-chains';
import { IAM_WRITES, UNSCOPED_ACTIONS } from '../../iam/ci-permissions';
import { serviceOf } from '../../iam/policy-evaluation';
import { loadBootstrapConfig } from '../../config/bootstrap-config';
import { loadConfig } from '../../config/load-config';
import { ApiStack } from '../../stacks/api-stack';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { bundleArtifact, layerArtifact, managedLayersOfEnv, pythonLayerArtifact } from '../support/artifacts';
import { accountModelFromSynth } from '../support/synth-iam';
import { Json } from '../support/json';
import { PLUGINS } from '../../family-plugins/registry';
import { FIXTURES } from '../support/test-project';

const PROJECT = 'multicloud-auto-deploy';
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
const ADMINISTRATOR = `arn:aws:iam::${ACCOUNT}:role/administrator`;

/** The seed's Python service: the API sends to the worker's queue; the worker writes the table; the digest runs daily. */
const SERVICE_CONTEXT = {
  defaults: { function: 'python' },
  functions: {
    api: { data: ['table:read', 'table:write', 'queue:worker'] },
    worker: { family: 'python', source: 'handlers/python_api', handler: 'worker.handler', trigger: { queue: {} }, data: ['table:write'] },
    digest: {
      family: 'python',
      source: 'handlers/python_api',
      handler: 'digest.handler',
      trigger: { schedule: { expression: 'rate(1 day)' } },
      data: ['table:read', 'table:write'],
    },
  },
};

function synthesised(context: Record<string, unknown> = {}): { model: AccountModel; artifactBucket: string } {
  const config = loadConfig({ families: PLUGINS, context, env: { STATE_BUCKET: 'acme-state' }, availableLayers: { dependencies: ['nodejs', 'python'] } });
  const bootstrap = loadBootstrapConfig({ context: { githubRepository: 'acme/layers', reviewers: { prod: ['octocat'] } }, env: {} }, config)!;
  const stacks: Json[] = [
    JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), 'bootstrap', { config, bootstrap, localStatePath: '../../../bootstrap.tfstate' }))),
  ];
  for (const env of config.environments) {
    const layers = env.function === 'python' ? [pythonLayerArtifact()] : [layerArtifact()];
    const stack = new ApiStack(Testing.app(), env.stackName, {
      env,
      layers,
      bundle: bundleArtifact(env.runtime),
      managedLayers: managedLayersOfEnv(env),
      buildDirFromStack: '../../../.build',
      families: PLUGINS,
      functions: env.functions.map((fn) => ({
        function: fn,
        layers: fn.name === 'api' ? layers : [],
        bundle: { ...bundleArtifact(fn.runtime), id: `${fn.name}/${fn.runtime}`, function: fn.name, handler: fn.handler },
        managed: [],
      })),
    });
    stacks.push(JSON.parse(Testing.synth(stack)));
  }
  const model = accountModelFromSynth(
    stacks,
    { account: ACCOUNT, region: REGION, references: { 'data.aws_iam_session_context.applier.issuer_arn': ADMINISTRATOR } },
    {
      tagValues: { project: [PROJECT, 'another-project'], environment: [...ENVIRONMENTS] },
    },
  );
  return { model, artifactBucket: bootstrap.artifactBucket };
}

const before = JSON.parse(readFileSync(path.join(FIXTURES, 'iam', 'before-issue-21.json'), 'utf8')) as AccountModel;
const role = {
  plan: `arn:aws:iam::${ACCOUNT}:role/${PROJECT}/ci/${PROJECT}-plan`,
  deploy: (env: string) => `arn:aws:iam::${ACCOUNT}:role/${PROJECT}/ci/${PROJECT}-deploy-${env}`,
};

/** Everything of one environment, with the tags its stack gives it. */
function targetsOf(env: string, artifactBucket = 'acme-artifacts'): Target[] {
  const tags = { project: PROJECT, environment: env, 'managed-by': 'cdktf' };
  const lambda = `arn:aws:lambda:${REGION}:${ACCOUNT}`;
  const logs = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:`;
  const api = `arn:aws:apigateway:${REGION}::/apis/${env}api1`;
  const apiTags = `arn:aws:apigateway:${REGION}::/tags/${encodeURIComponent(api)}`;
  return [
    { arn: `${lambda}:function:${PROJECT}-${env}-api`, tags },
    { arn: `${lambda}:function:${PROJECT}-${env}-api:7`, tags },
    { arn: `${lambda}:function:${PROJECT}-${env}-api:live`, tags },
    { arn: `${lambda}:layer:${PROJECT}-${env}-dependencies`, tags },
    { arn: `${lambda}:layer:${PROJECT}-${env}-dependencies:3`, tags },
    ...[`/aws/lambda/${PROJECT}-${env}-api`, `/aws/apigateway/${PROJECT}-${env}-api`].flatMap((group) => [
      { arn: `${logs}${group}`, tags },
      { arn: `${logs}${group}:*`, tags },
      { arn: `${logs}${group}:log-stream:2026/11/29/[$LATEST]abc`, tags },
    ]),
    { arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PROJECT}-${env}-messages`, tags },
    { arn: `arn:aws:iam::${ACCOUNT}:role/${PROJECT}/functions/${PROJECT}-${env}-function`, tags },
    { arn: `arn:aws:s3:::acme-state/${PROJECT}/${env}/terraform.tfstate` },
    { arn: `arn:aws:s3:::acme-state/${PROJECT}/${env}/terraform.tfstate.tflock` },
    { arn: `arn:aws:s3:::${artifactBucket}/layers/${PROJECT}/${env}/dependencies.zip` },
    { arn: `arn:aws:s3:::${artifactBucket}/layers/${PROJECT}/${env}/manifests/f07b2d069bc0349d.json` },
    { arn: `arn:aws:s3:::${artifactBucket}/functions/${PROJECT}/${env}/api.zip` },
    { arn: api, tags, tagArn: apiTags },
    { arn: `${api}/routes/r1`, tags, tagArn: apiTags },
    { arn: `${api}/stages/$default`, tags, tagArn: apiTags },
    { arn: apiTags, tags },
  ];
}

/** What reaching a resource means: every action of its service that any policy names, and the data-plane ones. */
function actionsFor(model: AccountModel, target: Target): string[] {
  const named = model.roles.flatMap((r) => r.policy.filter((statement) => (statement.effect ?? 'Allow') === 'Allow').flatMap((statement) => statement.actions));
  const data = [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:DeleteItem',
    'dynamodb:UpdateItem',
    'dynamodb:BatchWriteItem',
    'logs:GetLogEvents',
    'logs:FilterLogEvents',
    'logs:PutLogEvents',
    'logs:CreateLogStream',
    's3:GetObject',
    's3:PutObject',
    's3:DeleteObject',
    'lambda:InvokeFunction',
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    'lambda:DeleteFunction',
    'apigateway:GET',
    'apigateway:POST',
    'apigateway:PATCH',
    'apigateway:PUT',
    'apigateway:DELETE',
    'sts:AssumeRole',
    'iam:PassRole',
    ...IAM_WRITES,
  ];
  const service = serviceOf(target.arn);
  return [...new Set([...named, ...data])].filter(
    (action) => !action.includes('*') && (serviceOf(action) === service || (service === 'iam' && action.startsWith('sts:'))),
  );
}

interface Crossing {
  readonly from: string;
  readonly action: string;
  readonly resource: string;
  readonly chain: readonly string[];
}

/** Every action some start can do, by any chain, to what it must not reach. */
function crossings(
  model: AccountModel,
  starts: readonly { from: string; forbidden: readonly Target[]; only?: (action: string) => boolean }[],
): { found: Crossing[]; checked: number } {
  const analysis = new AccessAnalysis(model);
  const found: Crossing[] = [];
  let checked = 0;
  for (const start of starts) {
    const identities = analysis.identities(start.from);
    for (const target of start.forbidden) {
      for (const action of actionsFor(model, target).filter(start.only ?? (() => true))) {
        if ((UNSCOPED_ACTIONS as readonly string[]).includes(action)) continue;
        checked++;
        const reach = analysis.reach(start.from, action, target, identities);
        if (reach) found.push({ from: start.from, action, resource: target.arn, chain: reach.chain });
      }
    }
  }
  return { found, checked };
}

const ciTargets = (model: AccountModel): Target[] => model.roles.filter((r) => /\/ci\/|\/functions\/|-api$/.test(r.arn)).map((r) => ({ arn: r.arn }));
const WRITES =
  /:(Create|Delete|Update|Put|Publish|Add|Remove|Tag|Untag|Pass|Attach|Detach|Set|PATCH|POST|PUT|DELETE|Encrypt|GenerateDataKey|Invoke|AssumeRole)/;
const DATA_READS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'logs:GetLogEvents', 'logs:FilterLogEvents'];

/** Each deploy role against everything of every other environment, and every CI role; the plan role against any write or data read. */
function isolationStarts(model: AccountModel, artifactBucket?: string) {
  const of = (env: string) => targetsOf(env, artifactBucket);
  return [
    ...ENVIRONMENTS.map((env) => ({
      from: role.deploy(env),
      forbidden: [...ENVIRONMENTS.filter((other) => other !== env).flatMap(of), ...ciTargets(model).filter((t) => !t.arn.includes(`-${env}-`))],
    })),
    {
      from: role.plan,
      forbidden: [...ENVIRONMENTS.flatMap(of), ...ciTargets(model)],
      only: (action: string) => WRITES.test(action) || DATA_READS.includes(action),
    },
  ];
}

describe('environments that cannot reach each other (chain analysis of the synthesised stacks)', () => {
  const { model, artifactBucket } = synthesised();
  const analysis = new AccessAnalysis(model);

  it('reads every role, its policies and trust, and the role each function runs as, from synth', () => {
    expect(model.roles.map((r) => r.arn).sort()).toEqual(
      [
        ...ENVIRONMENTS.map((env) => role.deploy(env)),
        role.plan,
        ...ENVIRONMENTS.map((env) => `arn:aws:iam::${ACCOUNT}:role/${PROJECT}/functions/${PROJECT}-${env}-function`),
      ].sort(),
    );
    expect(model.functions).toEqual(
      ENVIRONMENTS.map((env) => ({
        arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PROJECT}-${env}-api`,
        role: `arn:aws:iam::${ACCOUNT}:role/${PROJECT}/functions/${PROJECT}-${env}-function`,
      })),
    );
  });

  it('finds no chain from any deploy role to another environment or any CI or function role, nor from the plan role to any write or data', () => {
    const { found, checked } = crossings(model, isolationStarts(model, artifactBucket));
    expect(found.map((crossing) => `${crossing.from} -> ${crossing.action} ${crossing.resource}`)).toEqual([]);
    expect(checked).toBeGreaterThan(3000);
  });

  it('finds the chains a deploy role has within its own environment, so the search above is not blind', () => {
    const dev = role.deploy('dev');
    const own = targetsOf('dev', artifactBucket);
    const table = own.find((t) => t.arn.endsWith(':table/multicloud-auto-deploy-dev-messages'))!;
    // Through the function's code: the deploy runs its code as dev's function role, which uses dev's table.
    expect(analysis.reach(dev, 'dynamodb:PutItem', table)?.chain).toEqual([
      `${dev} changes the code of arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PROJECT}-dev-api, which runs as arn:aws:iam::${ACCOUNT}:role/${PROJECT}/functions/${PROJECT}-dev-function`,
      `arn:aws:iam::${ACCOUNT}:role/${PROJECT}/functions/${PROJECT}-dev-function may dynamodb:PutItem on ${table.arn}`,
    ]);
    expect(analysis.reach(dev, 'dynamodb:Scan', table)).toBeUndefined();
    expect(
      analysis.reach(
        dev,
        'apigateway:DELETE',
        own.find((t) => t.arn.endsWith('/apis/devapi1'))!,
      ),
    ).toBeDefined();
    const identities = analysis.identities(dev);
    const context = (target: Target): Target =>
      serviceOf(target.arn) === 'iam' ? { ...target, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } } : target;
    expect(
      own.filter((target) => !actionsFor(model, target).some((action) => analysis.reach(dev, action, context(target), identities))).map((target) => target.arn),
    ).toEqual([]);
  });

  it("leaves no way out: no trust policy any CI role can write or create, no invoke permission but API Gateway's, no resource policy write", () => {
    for (const from of [role.plan, ...ENVIRONMENTS.map(role.deploy)]) {
      expect([from, analysis.exposures(from)]).toEqual([from, []]);
    }
  });

  it("keeps each environment's artifact prefixes to its deploy role by the bucket policy alone, whatever an identity policy allows", () => {
    expect(model.resourcePolicies!.map((policy) => policy.resource)).toContain(`arn:aws:s3:::${artifactBucket}*`);
    // Every role given s3:* on the whole bucket, as a careless identity policy would.
    const careless: AccountModel = {
      ...model,
      roles: model.roles.map((r) => ({ ...r, policy: [...r.policy, { sid: 'Careless', actions: ['s3:*'], resources: [`arn:aws:s3:::${artifactBucket}/*`] }] })),
    };
    const loose = new AccessAnalysis(careless);
    const object = (env: string, key = 'dependencies.zip') => ({ arn: `arn:aws:s3:::${artifactBucket}/layers/${PROJECT}/${env}/${key}` });
    expect(loose.reach(role.deploy('prod'), 's3:PutObject', object('prod'))).toBeDefined();
    for (const [from, env] of [
      [role.deploy('dev'), 'prod'],
      [role.deploy('staging'), 'prod'],
      [role.deploy('prod'), 'dev'],
      [role.plan, 'dev'],
    ] as const) {
      for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectTagging']) {
        expect([from, action, env, loose.reach(from, action, object(env))]).toEqual([from, action, env, undefined]);
      }
    }
    // Outside every environment's prefixes nobody writes; and nothing is written with another key or none.
    expect(loose.reach(role.deploy('dev'), 's3:PutObject', { arn: `arn:aws:s3:::${artifactBucket}/elsewhere/x` })).toBeUndefined();
    expect(loose.reach(role.deploy('prod'), 's3:PutObject', { ...object('prod'), context: { 's3:x-amz-server-side-encryption': 'AES256' } })).toBeUndefined();
    expect(
      loose.reach(role.deploy('prod'), 's3:PutObject', {
        ...object('prod'),
        context: {
          's3:x-amz-server-side-encryption': 'aws:kms',
          's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:ap-northeast-1:999999999999:key/theirs',
        },
      }),
    ).toBeUndefined();
    // Reading is not what the policy limits (the roles' own policies do).
    expect(loose.reach(role.deploy('dev'), 's3:GetObject', object('prod', 'manifests/f07b2d069bc0349d.json'))).toBeDefined();
    expect(analysis.reach(role.deploy('dev'), 's3:GetObject', object('prod', 'manifests/f07b2d069bc0349d.json'))).toBeUndefined();
  });

  it("lets the S3 backend write state as it does (no encryption header: the bucket's key by default), and refuses another encryption or key", () => {
    const state = { arn: `arn:aws:s3:::acme-state/${PROJECT}/dev/terraform.tfstate` };
    expect(analysis.reach(role.deploy('dev'), 's3:PutObject', state)).toBeDefined();
    expect(analysis.reach(role.deploy('dev'), 's3:PutObject', { ...state, context: { 's3:x-amz-server-side-encryption': 'AES256' } })).toBeUndefined();
    expect(
      analysis.reach(role.deploy('dev'), 's3:PutObject', {
        ...state,
        context: {
          's3:x-amz-server-side-encryption': 'aws:kms',
          's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:ap-northeast-1:999999999999:key/theirs',
        },
      }),
    ).toBeUndefined();
    expect(
      analysis.reach(role.deploy('dev'), 's3:PutObject', {
        ...state,
        context: {
          's3:x-amz-server-side-encryption': 'aws:kms',
          's3:x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:${REGION}:${ACCOUNT}:key/state-key`,
        },
      }),
    ).toBeDefined();
  });

  it('holds tags: a deploy role tags only what carries its environment (or is created with it) and never changes the project or environment tag', () => {
    const dev = role.deploy('dev');
    for (const service of ['apigateway', 'lambda', 'dynamodb', 'logs']) {
      const prodTarget = targetsOf('prod').find((t) => serviceOf(t.arn) === service && !t.arn.includes('/tags/'))!;
      const devTarget = targetsOf('dev').find((t) => serviceOf(t.arn) === service && !t.arn.includes('/tags/'))!;
      const tagArn = (target: Target) => target.tagArn ?? target.arn;
      const tagAction = service === 'apigateway' ? 'apigateway:POST' : service === 'logs' ? 'logs:TagResource' : `${service}:TagResource`;
      const untagAction = service === 'apigateway' ? 'apigateway:DELETE' : `${service}:UntagResource`;
      const devIdentity = analysis.identities(dev)[0];
      const tagging = (target: Target, tags: Record<string, string>, request: Record<string, string>) =>
        analysis.decide(devIdentity, tagAction, tagArn(target), {
          ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
          ...Object.fromEntries(Object.entries(request).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
          'aws:TagKeys': Object.keys(request),
        });
      // Its own resource: another tag yes, its own environment again yes, another environment or project no.
      expect([service, tagging(devTarget, devTarget.tags!, { owner: 'team' })]).toEqual([service, 'Allow']);
      expect([service, tagging(devTarget, devTarget.tags!, { environment: 'dev' })]).toEqual([service, 'Allow']);
      expect([service, tagging(devTarget, devTarget.tags!, { environment: 'prod' })]).toEqual([service, 'ExplicitDeny']);
      expect([service, tagging(devTarget, devTarget.tags!, { project: 'another-project', environment: 'dev' })]).toEqual([service, 'ExplicitDeny']);
      // Prod's: nothing, not even a harmless tag, and not by claiming dev's tags in the request.
      expect([service, tagging(prodTarget, prodTarget.tags!, { owner: 'team' })]).not.toEqual([service, 'Allow']);
      expect([service, tagging(prodTarget, prodTarget.tags!, { project: PROJECT, environment: 'dev' })]).not.toEqual([service, 'Allow']);
      // Untagging the project or environment tag: never, even its own.
      expect([
        service,
        analysis.decide(devIdentity, untagAction, tagArn(devTarget), {
          'aws:ResourceTag/environment': 'dev',
          'aws:ResourceTag/project': PROJECT,
          'aws:TagKeys': ['environment'],
        }),
      ]).toEqual([service, 'ExplicitDeny']);
    }
    // An API Gateway resource carrying no tags (someone else's) cannot be adopted by tagging it dev.
    const foreign = {
      arn: `arn:aws:apigateway:${REGION}::/apis/foreign1`,
      tagArn: `arn:aws:apigateway:${REGION}::/tags/${encodeURIComponent(`arn:aws:apigateway:${REGION}::/apis/foreign1`)}`,
    };
    expect(analysis.reach(dev, 'apigateway:DELETE', foreign)).toBeUndefined();
    // Creating one: with dev's tags yes, with prod's no.
    const create = (environment: string) =>
      analysis.decide(analysis.identities(dev)[0], 'apigateway:POST', `arn:aws:apigateway:${REGION}::/apis`, {
        'aws:RequestTag/project': PROJECT,
        'aws:RequestTag/environment': environment,
        'aws:TagKeys': ['project', 'environment'],
      });
    expect(create('dev')).toBe('Allow');
    expect(create('prod')).not.toBe('Allow');
  });
});

describe('the same analysis, fed the policies before issue 21', () => {
  const analysis = new AccessAnalysis(before);
  const dev = role.deploy('dev');

  it("finds dev's deploy role reaching prod's table and logs through its function role, whose policy it writes", () => {
    const { found } = crossings(before, isolationStarts(before));
    const prodTable = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PROJECT}-prod-messages`;
    const putItem = found.find((crossing) => crossing.from === dev && crossing.action === 'dynamodb:PutItem' && crossing.resource === prodTable);
    expect(putItem?.chain.join('\n')).toMatch(/writes any policy on arn:aws:iam::123456789012:role\/multicloud-auto-deploy-dev-api/);
    expect(
      found.some(
        (crossing) =>
          crossing.from === dev && crossing.action === 'logs:PutLogEvents' && crossing.resource.includes('/aws/lambda/multicloud-auto-deploy-prod-api'),
      ),
    ).toBe(true);
  });

  it("finds dev re-tagging prod's API as dev and then deleting it", () => {
    const prodApi = targetsOf('prod').find((t) => t.arn.endsWith('/apis/prodapi1'))!;
    const reach = analysis.reach(dev, 'apigateway:DELETE', prodApi);
    expect(reach?.chain[0]).toMatch(/tags it project=multicloud-auto-deploy, environment=dev/);
  });

  it('finds the ways out: a trust policy dev can rewrite, and an invoke permission for anyone', () => {
    const exposures = analysis.exposures(dev).map((exposure) => `${exposure.action} ${exposure.resource}`);
    expect(exposures).toEqual(
      expect.arrayContaining([
        `iam:UpdateAssumeRolePolicy arn:aws:iam::${ACCOUNT}:role/${PROJECT}-dev-api`,
        `lambda:AddPermission arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PROJECT}-dev-api`,
      ]),
    );
  });
});

describe("a service's functions, each in its own role, that reach no other environment nor what they were not given", () => {
  const { model, artifactBucket } = synthesised(SERVICE_CONTEXT);
  const analysis = new AccessAnalysis(model);
  const fnRole = (env: string, name: string) => `arn:aws:iam::${ACCOUNT}:role/${PROJECT}/functions/${PROJECT}-${env}-${name}`;
  const lambda = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PROJECT}`;
  const sqs = `arn:aws:sqs:${REGION}:${ACCOUNT}:${PROJECT}`;
  const tagsOf = (env: string) => ({ project: PROJECT, environment: env, 'managed-by': 'cdktf' });
  /** The service's own resources in an environment, beside the API's. */
  const serviceTargets = (env: string): Target[] => [
    ...['worker', 'digest'].flatMap((name) => [
      { arn: `${lambda}-${env}-${name}`, tags: tagsOf(env) },
      { arn: `${lambda}-${env}-${name}:live`, tags: tagsOf(env) },
      { arn: `${lambda}-${env}-${name}:3`, tags: tagsOf(env) },
      { arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${PROJECT}-${env}-${name}`, tags: tagsOf(env) },
    ]),
    { arn: `${sqs}-${env}-worker`, tags: tagsOf(env) },
    { arn: `${sqs}-${env}-worker-dlq`, tags: tagsOf(env) },
    { arn: `${sqs}-${env}-digest-dlq`, tags: tagsOf(env) },
    { arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/${PROJECT}-${env}-digest` },
    { arn: fnRole(env, 'worker-fn') },
    { arn: fnRole(env, 'digest-fn') },
    { arn: fnRole(env, 'scheduler') },
  ];
  const everything = (env: string) => [...targetsOf(env, artifactBucket), ...serviceTargets(env)];

  it('makes a role for each function and the scheduler, and runs each function as its own', () => {
    expect(
      model.roles
        .map((r) => r.arn)
        .filter((arn) => arn.includes('/functions/'))
        .sort(),
    ).toEqual(ENVIRONMENTS.flatMap((env) => ['function', 'worker-fn', 'digest-fn', 'scheduler'].map((name) => fnRole(env, name))).sort());
    expect((model.functions ?? []).filter((fn) => fn.arn.endsWith('-dev-worker'))).toEqual([{ arn: `${lambda}-dev-worker`, role: fnRole('dev', 'worker-fn') }]);
    const trustedBy = (arn: string) => model.roles.find((r) => r.arn === arn)!.trust.map((statement) => statement.principals);
    expect(trustedBy(fnRole('dev', 'worker-fn'))).toEqual([{ service: ['lambda.amazonaws.com'] }]);
    expect(trustedBy(fnRole('dev', 'scheduler'))).toEqual([{ service: ['scheduler.amazonaws.com'] }]);
    expect(model.roles.find((r) => r.arn === fnRole('dev', 'scheduler'))!.trust[0].conditions).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
    ]);
  });

  it('finds no chain from a deploy role to another environment, nor from the plan role to any write or data', () => {
    const starts = [
      ...ENVIRONMENTS.map((env) => ({
        from: role.deploy(env),
        forbidden: [...ENVIRONMENTS.filter((other) => other !== env).flatMap(everything), ...ciTargets(model).filter((t) => !t.arn.includes(`-${env}-`))],
      })),
      {
        from: role.plan,
        forbidden: [...ENVIRONMENTS.flatMap(everything), ...ciTargets(model)],
        only: (action: string) => WRITES.test(action) || DATA_READS.includes(action),
      },
    ];
    const { found, checked } = crossings(model, starts);
    expect(found.map((crossing) => `${crossing.from} -> ${crossing.action} ${crossing.resource}`)).toEqual([]);
    expect(checked).toBeGreaterThan(5000);
  });

  it('finds no chain from a function role to another environment, nor to a queue or data its configuration did not give it', () => {
    const notGiven: Record<string, (env: string) => Target[]> = {
      // The worker writes; it reads nothing, sends nowhere, and invokes nothing.
      'worker-fn': (env) => [
        { arn: `${sqs}-${env}-digest-dlq` },
        { arn: `${lambda}-${env}-digest:live` },
        { arn: `${lambda}-${env}-api:live` },
        { arn: fnRole(env, 'scheduler') },
      ],
      // The digest takes from no queue and sends to none.
      'digest-fn': (env) => [{ arn: `${sqs}-${env}-worker` }, { arn: `${sqs}-${env}-worker-dlq` }, { arn: `${lambda}-${env}-worker:live` }],
      // The scheduler invokes the digest only.
      scheduler: (env) => [{ arn: `${lambda}-${env}-api:live` }, { arn: `${lambda}-${env}-worker:live` }, { arn: `${sqs}-${env}-worker` }],
      function: (env) => [{ arn: `${sqs}-${env}-digest-dlq` }, { arn: `${sqs}-${env}-worker-dlq` }, { arn: `${lambda}-${env}-digest:live` }],
    };
    const starts = ENVIRONMENTS.flatMap((env) =>
      Object.entries(notGiven).map(([name, targets]) => ({
        from: fnRole(env, name),
        forbidden: [
          ...ENVIRONMENTS.filter((other) => other !== env).flatMap(everything),
          ...targets(env),
          ...ciTargets(model).filter((t) => t.arn !== fnRole(env, name)),
        ],
      })),
    );
    const { found, checked } = crossings(model, starts);
    expect(found.map((crossing) => `${crossing.from} -> ${crossing.action} ${crossing.resource}`)).toEqual([]);
    expect(checked).toBeGreaterThan(3000);
  });

  it('finds the chains the service has on purpose, so the searches above are not blind', () => {
    const worker = serviceTargets('dev').find((t) => t.arn === `${sqs}-dev-worker`)!;
    expect(analysis.reach(fnRole('dev', 'function'), 'sqs:SendMessage', worker)).toBeDefined();
    expect(analysis.reach(fnRole('dev', 'worker-fn'), 'sqs:ReceiveMessage', worker)).toBeDefined();
    expect(analysis.reach(fnRole('dev', 'scheduler'), 'lambda:InvokeFunction', { arn: `${lambda}-dev-digest:live` })).toBeDefined();
    expect(analysis.reach(role.deploy('dev'), 'sqs:SetQueueAttributes', worker)).toBeDefined();
    // A deploy reaches the table through the worker's code, as through the API's.
    const table = targetsOf('dev').find((t) => t.arn.endsWith(':table/multicloud-auto-deploy-dev-messages'))!;
    expect(analysis.reach(role.deploy('dev'), 'dynamodb:PutItem', table)).toBeDefined();
    for (const from of [role.plan, ...ENVIRONMENTS.map(role.deploy)]) expect([from, analysis.exposures(from)]).toEqual([from, []]);
  });
});
