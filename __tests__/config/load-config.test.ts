import { PLUGINS } from '../../family-plugins/registry';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, ConfigSources } from '../../config/load-config';
import { EnvironmentConfig, functionNameOf, layerNameOf, ownLayerFolderOf } from '../../config/environments';
import { cliEnv, PROJECT_ROOT, runNode } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { FIELDS, PROJECT_SETTINGS, RESOLUTION_ORDER, environmentSettings } from '../../config/settings-schema';

const ENVIRONMENT_SETTINGS = environmentSettings(PLUGINS);

function sources(overrides: Partial<ConfigSources> = {}): ConfigSources {
  return { context: {}, env: {}, families: PLUGINS, availableLayers: { dependencies: ['nodejs', 'python'] }, ...overrides };
}

function envNamed(environments: readonly EnvironmentConfig[], name: string): EnvironmentConfig {
  const found = environments.find((env) => env.name === name);
  if (!found) throw new Error(`no environment ${name}`);
  return found;
}

function problemsOf(input: ConfigSources): string {
  try {
    loadConfig(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('defaults', () => {
  const config = loadConfig(sources());

  it('has dev, staging and prod with the seed project name and region', () => {
    expect(config.environments.map((env) => env.stackName)).toEqual(['api-dev', 'api-staging', 'api-prod']);
    expect(config.project).toBe('multicloud-auto-deploy');
    expect(config.region).toBe('ap-northeast-1');
  });

  it('runs nodejs24.x on x86_64 with the dependencies layer and per-environment state keys', () => {
    const staging = envNamed(config.environments, 'staging');
    expect(staging).toMatchObject({
      runtime: 'nodejs24.x',
      architecture: 'x86_64',
      layers: ['dependencies'],
      stateBucket: 'multicloud-auto-deploy-terraform-state',
      stateKey: 'multicloud-auto-deploy/staging/terraform.tfstate',
      appVersion: '3.0.0',
    });
  });

  it('gives prod more memory, longer log retention and a protected table', () => {
    const prod = envNamed(config.environments, 'prod');
    const dev = envNamed(config.environments, 'dev');
    expect(prod.memoryMb).toBeGreaterThan(dev.memoryMb);
    expect(prod.logRetentionDays).toBe(90);
    expect(prod.deletionProtection).toBe(true);
    expect(dev.deletionProtection).toBe(false);
  });
});

describe('names AWS sees', () => {
  it('derives every name from project and environment, and reads a layer folder back from its own layer names only', () => {
    const staging = { project: 'shop', name: 'staging' };
    expect(functionNameOf(staging)).toBe('shop-staging-api');
    expect(layerNameOf(staging, 'dependencies')).toBe('shop-staging-dependencies');
    expect(ownLayerFolderOf(staging, layerNameOf(staging, 'dependencies'))).toBe('dependencies');
    expect(ownLayerFolderOf(staging, 'shop-prod-dependencies')).toBeUndefined();
    expect(ownLayerFolderOf(staging, 'AWSLambdaPowertoolsTypeScriptV2')).toBeUndefined();
  });
});

describe('overrides', () => {
  it('reads STATE_BUCKET, AWS_REGION and PROJECT_NAME from the environment', () => {
    const config = loadConfig(sources({ env: { STATE_BUCKET: 'acme-state', AWS_REGION: 'eu-west-1', PROJECT_NAME: 'acme' } }));
    const dev = envNamed(config.environments, 'dev');
    expect(dev).toMatchObject({ stateBucket: 'acme-state', region: 'eu-west-1', project: 'acme', stateKey: 'acme/dev/terraform.tfstate' });
  });

  it('ignores empty environment variables', () => {
    expect(loadConfig(sources({ env: { STATE_BUCKET: '' } })).stateBucket).toBe('multicloud-auto-deploy-terraform-state');
  });

  it('applies context defaults, then per-environment context, then environment variables', () => {
    const config = loadConfig(
      sources({
        context: {
          region: 'us-east-1',
          stateBucket: 'from-context',
          defaults: { architecture: 'arm64', memoryMb: 1024 },
          environments: { staging: { memoryMb: 2048 } },
        },
        env: { STATE_BUCKET: 'from-env' },
      }),
    );
    const staging = envNamed(config.environments, 'staging');
    const dev = envNamed(config.environments, 'dev');
    expect(staging).toMatchObject({ architecture: 'arm64', memoryMb: 2048, region: 'us-east-1', stateBucket: 'from-env' });
    expect(dev).toMatchObject({ architecture: 'arm64', memoryMb: 1024 });
  });

  it('adds an environment named in context, with the defaults', () => {
    const config = loadConfig(sources({ context: { environments: { qa: { timeoutSeconds: 20 } } } }));
    expect(config.environments.map((env) => env.name)).toEqual(['dev', 'staging', 'prod', 'qa']);
    expect(envNamed(config.environments, 'qa')).toMatchObject({ stackName: 'api-qa', timeoutSeconds: 20, memoryMb: 512 });
  });
});

describe('invalid configuration', () => {
  it('names the environment, the field, the bad value, where it came from and what is allowed', () => {
    expect(problemsOf(sources({ context: { environments: { staging: { memoryMb: 100000 } } } }))).toMatchInlineSnapshot(`
      "Invalid configuration (1 problem); nothing was built or synthesised:
        - environment "staging": memoryMb is 100000 (from cdktf context "environments.staging.memoryMb"); allowed: an integer from 128 to 10240 (MB)
      Settings, what they allow and their defaults are in config/settings-schema.ts (the built-in environments in config/environments.ts); set them in the "context" of cdktf.json, or with the environment variables PROJECT_NAME, AWS_REGION, STATE_BUCKET and ARTIFACT_BUCKET. See docs/configuration.md."
    `);
  });

  it('rejects a runtime Lambda does not offer for this function', () => {
    expect(problemsOf(sources({ context: { defaults: { runtime: 'nodejs20.x' } } }))).toContain(
      'runtime is "nodejs20.x" (from cdktf context "defaults.runtime"); allowed: one of "nodejs22.x", "nodejs24.x"',
    );
  });

  it('rejects an unknown architecture, a timeout beyond the HTTP API limit and a retention CloudWatch refuses', () => {
    const message = problemsOf(sources({ context: { environments: { dev: { architecture: 'x86', timeoutSeconds: 60, logRetentionDays: 10 } } } }));
    expect(message).toContain('environment "dev": architecture is "x86"');
    expect(message).toContain('allowed: one of "x86_64", "arm64"');
    expect(message).toContain('timeoutSeconds is 60');
    expect(message).toContain('the HTTP API stops waiting after 30');
    expect(message).toContain('logRetentionDays is 10');
    expect(message).toMatch(/Invalid configuration \(3 problems\)/);
  });

  it('caps concurrency and throttling by default, and refuses values that would not protect the account', () => {
    const dev = envNamed(loadConfig(sources()).environments, 'dev');
    expect([dev.reservedConcurrency, dev.throttleBurstLimit, dev.throttleRateLimit]).toEqual([10, 50, 20]);
    const message = problemsOf(sources({ context: { defaults: { reservedConcurrency: 0, throttleRateLimit: 20000, throttleBurstLimit: 'lots' } } }));
    expect(message).toContain(
      'environment "dev": reservedConcurrency is 0 (from cdktf context "defaults.reservedConcurrency"); allowed: an integer from 1 to 1000',
    );
    expect(message).toContain(
      'throttleRateLimit is 20000 (from cdktf context "defaults.throttleRateLimit"); allowed: an integer from 1 to 10000 (requests per second)',
    );
    expect(message).toContain('throttleBurstLimit is "lots"');
  });

  it('names an environment variable as the source of a bad value', () => {
    expect(problemsOf(sources({ env: { STATE_BUCKET: 'Bad_Bucket' } }))).toContain('stateBucket is "Bad_Bucket" (from environment variable STATE_BUCKET)');
    expect(problemsOf(sources({ env: { AWS_REGION: 'tokyo' } }))).toContain('region is "tokyo" (from environment variable AWS_REGION)');
  });

  it('suggests the setting meant by a misspelt key', () => {
    expect(problemsOf(sources({ context: { environments: { prod: { memory: 512 } } } }))).toContain(
      'environment "prod": cdktf context "environments.prod" has "memory", which is not a setting',
    );
    expect(problemsOf(sources({ context: { defaults: { memoryMB: 512 } } }))).toContain('Did you mean "memoryMb"?');
  });

  it('rejects a layer that has no folder, naming the ones that exist', () => {
    expect(problemsOf(sources({ context: { environments: { dev: { layers: ['dependencies', 'dependencie'] } } } }))).toContain(
      'environment "dev": layers includes "dependencie" (from cdktf context "environments.dev.layers"), but there is no folder ' +
        'layers/dependencie; add it (see docs/layers.md, "Adding a layer") ' +
        'or use one of: dependencies. Did you mean "dependencies"?',
    );
  });

  it('rejects more than five layers and duplicates', () => {
    expect(problemsOf(sources({ context: { defaults: { layers: ['a', 'b', 'c', 'd', 'e', 'f'] } } }))).toContain('Lambda attaches at most 5 layers');
    expect(problemsOf(sources({ context: { defaults: { layers: ['dependencies', 'dependencies'] } } }))).toContain('distinct');
  });

  it('rejects project and environment names that could make resource names too long or invalid', () => {
    expect(problemsOf(sources({ env: { PROJECT_NAME: 'Multicloud' } }))).toContain('project is "Multicloud"');
    expect(problemsOf(sources({ context: { environments: { 'QA-1': {} } } }))).toContain('environment name "QA-1"');
    expect(problemsOf(sources({ env: { PROJECT_NAME: 'p'.repeat(41) } }))).toContain('allowed: 3 to 40 lowercase letters');
    expect(problemsOf(sources({ context: { environments: { integrationtest1: {}, integrationtest12: {} } } }))).toContain(
      'environment name "integrationtest12"',
    );
  });
});

describe('synth with invalid configuration', () => {
  it('exits non-zero with the message and writes no output folder', async () => {
    const outdir = path.join(PROJECT_ROOT, 'cdktf.out.invalid-config-test');
    fs.rmSync(outdir, { recursive: true, force: true });
    const result = await runNode('main.ts', [], { env: cliEnv({ STATE_BUCKET: 'NOT a bucket', CDKTF_OUTDIR: outdir }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stateBucket is "NOT a bucket" (from environment variable STATE_BUCKET)');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('refuses an output folder outside the project before writing it', async () => {
    const outside = path.join(makeTempDir('outside'), 'cdktf.out');
    const result = await runNode('main.ts', [], { env: cliEnv({ CDKTF_OUTDIR: outside }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is outside the project');
    expect(fs.existsSync(outside)).toBe(false);
  });
});

describe('the settings schema', () => {
  it('resolves every setting once, and a default reads only settings resolved before it', () => {
    expect([...RESOLUTION_ORDER].sort()).toEqual([...FIELDS].sort());
    expect(new Set(RESOLUTION_ORDER).size).toBe(RESOLUTION_ORDER.length);
    RESOLUTION_ORDER.forEach((field, index) => {
      const read: string[] = [];
      const resolved = new Proxy(
        {},
        {
          get: (_target, key) => {
            read.push(String(key));
            return undefined;
          },
        },
      );
      ENVIRONMENT_SETTINGS[field].default({ project: 'p', environment: 'dev', explicit: () => undefined, resolved });
      for (const key of read) expect([field, key, RESOLUTION_ORDER.indexOf(key as never) < index]).toEqual([field, key, true]);
    });
  });

  it('says what each setting allows, and allows its own default', () => {
    for (const field of FIELDS) {
      const { value } = ENVIRONMENT_SETTINGS[field].default({
        project: 'multicloud-auto-deploy',
        environment: 'dev',
        explicit: () => undefined,
        resolved: { function: 'nodejs', runtime: 'nodejs24.x', layerStrategy: 'single' },
      });
      expect([field, ENVIRONMENT_SETTINGS[field].allowed(value)]).toEqual([field, undefined]);
      expect(typeof ENVIRONMENT_SETTINGS[field].allowed(Symbol('not a setting value'))).toBe('string');
    }
  });

  it('is what the configuration table of docs/configuration.md lists, setting for setting', () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'configuration.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Functions'));
    const listed = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) =>
        line
          .split(' | ')[0]
          .match(/`[A-Za-z]+`/g)!
          .map((name) => name.slice(1, -1)),
      );
    expect([...listed].sort()).toEqual([...Object.keys(PROJECT_SETTINGS), ...FIELDS].sort());
  });
});
