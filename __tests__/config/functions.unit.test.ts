import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLUGINS } from '../../family-plugins/registry';
import { ConfigSources, loadConfig } from '../../config/load-config';
import { EnvironmentConfig } from '../../config/environments';
import { API_DATA, DECLARATION_KEYS, FunctionConfig, routeKeyProblem, scheduleExpressionProblem } from '../../config/functions';
import { API_ROUTES } from '../../handlers/api/routes';

const LAYERS = { dependencies: ['nodejs', 'python'], stable: ['nodejs', 'python'], adapters: ['python'] } as const;

function sources(context: Record<string, unknown> = {}): ConfigSources {
  return { context, env: {}, families: PLUGINS, availableLayers: LAYERS };
}

function env(config: { environments: readonly EnvironmentConfig[] }, name: string): EnvironmentConfig {
  const found = config.environments.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no environment ${name}`);
  return found;
}

function fn(environment: EnvironmentConfig, name: string): FunctionConfig {
  const found = environment.functions.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${environment.name} deploys no ${name}: ${environment.functions.map((f) => f.name).join(', ')}`);
  return found;
}

function problemsOf(context: Record<string, unknown>): string[] {
  try {
    loadConfig(sources(context));
  } catch (error) {
    return (error as Error).message
      .split('\n')
      .filter((line) => line.startsWith('  - '))
      .map((line) => line.slice(4));
  }
  throw new Error('expected the configuration to be refused');
}

const WORKER = {
  family: 'python',
  source: 'handlers/python_worker',
  handler: 'worker.handler',
  trigger: { queue: { batchSize: 5 } },
  data: ['table:write'],
};
const DIGEST = {
  family: 'python',
  source: 'handlers/python_digest',
  handler: 'digest.handler',
  trigger: { schedule: { expression: 'cron(0 6 * * ? *)', timezone: 'Asia/Tokyo' } },
  data: ['table:read', 'table:write'],
};
const EVENTS = { family: 'nodejs', source: 'handlers/events/index.ts', handler: 'index.handler', trigger: { http: { routes: ['GET /api/stats'] } } };

describe('the API function', () => {
  it("is the environment's own settings, named api, with the seed's routes and the table, when nothing is declared", () => {
    const config = loadConfig(sources({ environments: { prod: { memoryMb: 2048, reservedConcurrency: 20 } } }));
    for (const environment of config.environments) {
      expect(environment.functions.map((f) => f.name)).toEqual(['api']);
      const api = fn(environment, 'api');
      expect(api).toEqual({
        name: 'api',
        family: environment.function,
        runtime: environment.runtime,
        source: PLUGINS.byId(environment.function).apiFunction.entry,
        handler: PLUGINS.byId(environment.function).apiFunction.handler,
        trigger: { type: 'http', routes: [...API_ROUTES] },
        memoryMb: environment.memoryMb,
        timeoutSeconds: environment.timeoutSeconds,
        reservedConcurrency: environment.reservedConcurrency,
        data: [...API_DATA],
        layers: environment.layers,
      });
    }
    expect(fn(env(config, 'prod'), 'api')).toMatchObject({ memoryMb: 2048, reservedConcurrency: 20 });
    // The resolved environment carries the functions, not the settings they were resolved from.
    expect(Object.keys(env(config, 'dev'))).not.toContain('functionSettings');
  });

  it('follows the environment\'s "function" and "runtime" settings, as before', () => {
    const config = loadConfig(sources({ environments: { staging: { function: 'python', runtime: 'python3.13', layers: ['stable', 'adapters'] } } }));
    expect(fn(env(config, 'staging'), 'api')).toMatchObject({
      family: 'python',
      runtime: 'python3.13',
      source: 'handlers/python_api',
      handler: 'main.handler',
      layers: ['stable', 'adapters'],
    });
  });

  it('takes its routes and data from its declaration and from functionSettings.api', () => {
    const config = loadConfig(
      sources({
        functions: { api: { data: ['table:read', 'table:write', 'queue:worker'] }, worker: WORKER },
        defaults: { function: 'python' },
        environments: { dev: { functionSettings: { api: { trigger: { http: { routes: ['GET /', '$default'] } } } } } },
      }),
    );
    expect(fn(env(config, 'prod'), 'api').data).toEqual(['table:read', 'table:write', 'queue:worker']);
    expect(fn(env(config, 'dev'), 'api').trigger).toEqual({ type: 'http', routes: ['GET /', '$default'] });
  });
});

describe('declared functions', () => {
  const context = { functions: { worker: WORKER, digest: DIGEST, events: EVENTS } };

  it("are all deployed where the API is of their family, in declaration order after the API, with their triggers' defaults", () => {
    const config = loadConfig(sources({ ...context, environments: { staging: { function: 'python' } } }));
    const staging = env(config, 'staging');
    expect(staging.functions.map((f) => f.name)).toEqual(['api', 'worker', 'digest']);
    expect(fn(staging, 'worker')).toEqual({
      name: 'worker',
      family: 'python',
      runtime: 'python3.12',
      source: 'handlers/python_worker',
      handler: 'worker.handler',
      trigger: { type: 'queue', batchSize: 5, maxBatchingWindowSeconds: 0, maxReceiveCount: 3 },
      memoryMb: staging.memoryMb,
      timeoutSeconds: 60,
      reservedConcurrency: 5,
      data: ['table:write'],
      layers: 'auto',
    });
    expect(fn(staging, 'digest').trigger).toEqual({
      type: 'schedule',
      expression: 'cron(0 6 * * ? *)',
      timezone: 'Asia/Tokyo',
      retryAttempts: 2,
      maxEventAgeSeconds: 3600,
    });
    // The Node.js environments deploy the Node.js function declared, not the Python ones.
    expect(env(config, 'dev').functions.map((f) => f.name)).toEqual(['api', 'events']);
  });

  it("take the environment's runtime when of the API's family, else their family's default", () => {
    const config = loadConfig(sources({ ...context, environments: { dev: { function: 'python', runtime: 'python3.13', functions: ['worker', 'events'] } } }));
    const dev = env(config, 'dev');
    expect(fn(dev, 'worker').runtime).toBe('python3.13');
    expect(fn(dev, 'events').runtime).toBe(PLUGINS.byId('nodejs').defaultRuntime);
  });

  it('are deployed as an environment names them, of any family, with its settings over the declaration', () => {
    const config = loadConfig(
      sources({
        ...context,
        environments: {
          dev: { functions: ['worker'] },
          prod: {
            function: 'python',
            functionSettings: {
              worker: { memoryMb: 1024, reservedConcurrency: 20, layers: ['stable'], trigger: { queue: { batchSize: 100, maxBatchingWindowSeconds: 5 } } },
            },
          },
        },
      }),
    );
    expect(env(config, 'dev').functions.map((f) => f.name)).toEqual(['api', 'worker']);
    expect(fn(env(config, 'dev'), 'worker').memoryMb).toBe(env(config, 'dev').memoryMb);
    expect(fn(env(config, 'prod'), 'worker')).toMatchObject({
      memoryMb: 1024,
      reservedConcurrency: 20,
      layers: ['stable'],
      trigger: { type: 'queue', batchSize: 100, maxBatchingWindowSeconds: 5, maxReceiveCount: 3 },
    });
    expect(fn(env(config, 'staging'), 'api').name).toBe('api');
    expect(env(config, 'staging').functions.map((f) => f.name)).toEqual(['api', 'events']);
  });
});

describe('invalid functions', () => {
  it('are all said at once, each naming the environment, the function, the value, where it came from and what is allowed', () => {
    const problems = problemsOf({
      functions: {
        worker: { ...WORKER, trigger: { queue: { batchSize: 50, maxRecieveCount: 2 } }, memoryMb: 64 },
        digest: { ...DIGEST, trigger: { schedule: { expression: 'cron(0 6 * * * *)' } } },
        events: { ...EVENTS, trigger: { http: { routes: ['GET api/stats', 'GET /'] } }, timeoutSeconds: 60, data: ['queue:digest'] },
        Bad: { family: 'python' },
        pyworker: { family: 'pyhton', source: 'handlers/x', handler: 'x.handler', trigger: { queue: {} } },
        api: { memoryMb: 2048 },
      },
      environments: {
        dev: { functions: ['worker', 'digest', 'events', 'wroker'], functionSettings: { jobs: {}, worker: { family: 'nodejs', layers: ['nope'] } } },
      },
    });
    const dev = problems.filter((problem) => problem.startsWith('environment "dev"'));
    expect(problems).toEqual(
      expect.arrayContaining([
        'cdktf context "functions.Bad": the name "Bad" is not allowed; allowed: 1 to 16 lowercase letters and digits, starting with a letter',
        'cdktf context "functions.pyworker": family is "pyhton"; allowed: one of "nodejs", "python"',
        `cdktf context "functions.api" has "memoryMb", which is not a setting there; the API's memoryMb is the environment's own setting; set it on the environment`,
      ]),
    );
    expect(dev).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^environment "dev": functions names "wroker" \(from cdktf context "environments\.dev\.functions"\), but no function "wroker" is declared; .*Did you mean "worker"\?$/,
        ),
        expect.stringMatching(
          /^environment "dev": functionSettings has "jobs" .*, which environment "dev" does not deploy; it deploys api, worker, digest, events/,
        ),
        expect.stringMatching(
          /^environment "dev": function "worker": "functionSettings.worker" .* has "family", which is not a setting there; allowed: runtime, trigger/,
        ),
        expect.stringMatching(
          /^environment "dev": function "worker": layers includes "nope" \(from cdktf context "environments\.dev\.functionSettings\.worker\.layers"\), but there is no folder layers\/nope/,
        ),
        expect.stringMatching(
          /^environment "dev": function "worker": memoryMb is 64 \(from cdktf context "functions\.worker\.memoryMb"\); allowed: an integer from 128 to 10240/,
        ),
        expect.stringMatching(/^environment "dev": function "worker": trigger "queue" has "maxRecieveCount" .*Did you mean "maxReceiveCount"\?/),
        expect.stringMatching(/^environment "dev": function "worker": trigger queue.batchSize is 50 with no batching window/),
        expect.stringMatching(/^environment "dev": function "digest": trigger schedule.expression: "cron\(0 6 \* \* \* \*\)" is not a schedule/),
        expect.stringMatching(/^environment "dev": function "events": trigger http.routes: "GET api\/stats" is not a route key/),
        expect.stringMatching(/^environment "dev": function "events": timeoutSeconds is 60 but the function answers HTTP routes/),
        'environment "dev": route "GET /" is claimed by "api" and by "events"; give each route one function',
        expect.stringMatching(/^environment "dev": function "events" may send to "queue:digest", but "digest" has no queue trigger/),
      ]),
    );
    // The Python function a misspelt family hides is said once, not once per environment.
    expect(problems.filter((problem) => problem.includes('pyhton'))).toHaveLength(1);
  });

  it('refuse a grant to a queue no function declares, and a name too long for IAM', () => {
    const problems = problemsOf({
      project: 'a-project-name-of-forty-characters-long1',
      functions: { api: { data: ['table:read', 'queue:wroker'] }, worker: WORKER, jobsrunnerdaily: { ...DIGEST } },
      defaults: { function: 'python', functions: ['jobsrunnerdaily'] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environment "dev": function "api" may send to "queue:wroker", but no function "wroker" is declared; declare a function/),
        expect.stringMatching(
          /^environment "staging": function "jobsrunnerdaily": its role name ".*-staging-jobsrunnerdaily-fn" is 67 characters; IAM allows 64/,
        ),
      ]),
    );
  });

  it('refuse a trigger that is not exactly one of the three, a required setting left out, and an API that does not answer HTTP', () => {
    const problems = problemsOf({
      functions: { worker: { family: 'python', trigger: { queue: {}, schedule: {} } }, api: { trigger: { queue: {} } } },
      defaults: { function: 'python' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environment "dev": function "worker": source is missing; allowed: the handler's folder/),
        expect.stringMatching(/^environment "dev": function "worker": handler is missing; allowed: Lambda's handler setting/),
        expect.stringMatching(/^environment "dev": function "worker": trigger is \{"queue":\{\},"schedule":\{\}\} .*allowed: one of/),
        expect.stringMatching(
          /^environment "dev": function "api": trigger is \{"queue":\{\}\} \(from cdktf context "functions\.api\.trigger"\); the API answers HTTP/,
        ),
      ]),
    );
  });
});

describe('grants', () => {
  it('grant nothing where the function they name is declared but not deployed: one declaration serves every environment', () => {
    const config = loadConfig(
      sources({
        functions: { api: { data: ['table:read', 'table:write', 'queue:worker'] }, worker: WORKER },
        environments: { staging: { function: 'python' } },
      }),
    );
    expect(fn(env(config, 'staging'), 'api').data).toEqual(['table:read', 'table:write', 'queue:worker']);
    // The Node.js environments deploy no worker: their API is granted its table alone.
    expect(fn(env(config, 'dev'), 'api').data).toEqual(['table:read', 'table:write']);
    expect(env(config, 'dev').functions.map((f) => f.name)).toEqual(['api']);
  });
});

describe('route keys and schedules', () => {
  it.each(['$default', 'GET /', 'ANY /jobs/{id}', 'POST /api/messages/', 'GET /files/{proxy+}', 'DELETE /{proxy+}'])('accepts the route key %s', (key) => {
    expect(routeKeyProblem(key)).toBeUndefined();
  });
  it.each(['GET', 'get /', 'GET api', 'GET /a b', 'FETCH /', 'GET /{proxy+}/more', 'GET /a/../b', 'GET //', 42])('refuses the route key %s', (key) => {
    expect(routeKeyProblem(key)).toMatch(/is not a route key/);
  });
  it.each(['rate(1 day)', 'rate(5 minutes)', 'rate(12 hours)', 'cron(0 6 * * ? *)', 'cron(0/15 * ? * MON-FRI *)'])('accepts the schedule %s', (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
  });
  it.each(['rate(1 days)', 'rate(2 day)', 'rate(0 minutes)', 'cron(0 6 * * *)', 'cron(0 6 * * * *)', 'cron(0 6 ? * ? *)', 'at(2026-01-01T00:00:00)', 'daily'])(
    'refuses the schedule %s',
    (expression) => {
      expect(scheduleExpressionProblem(expression)).toMatch(/is not a schedule/);
    },
  );
});

describe('docs/configuration.md', () => {
  it('lists every function setting in its table', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Functions'), doc.indexOf('## Adding an environment'));
    const listed = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => /^\| `([A-Za-z]+)`/.exec(line)![1]);
    expect(listed.sort()).toEqual([...DECLARATION_KEYS].sort());
  });
});
