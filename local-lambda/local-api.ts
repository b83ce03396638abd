import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { EnvironmentArtifacts } from '../builder/artifact-check';
import { BuildableFamily } from '../builder/family-builders';
import { FamilyRegistry } from '../families/registry';
import { BundleArtifact, LayerArtifact } from '../artifacts/manifest';
import { EnvironmentConfig, environmentOf, functionEnvironment, tableNameOf } from '../config/environments';
import { Trigger, functionNameFor, queueGrantsOf, queueUrlVariable } from '../config/functions';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LocalQueue, QueuePoller, QueueServer, createLocalQueue, localSqsClient } from './local-queue';
import { matchRoute } from '../api-gateway/route-match';
import { LOCAL_CREDENTIALS, LocalDynamoDb, ensureMessagesTable, startLocalDynamoDb } from './dynamodb-local';
import { InvokeResult, LocalFunction } from './local-function';
import { fromFunctionResult, functionErrorResponse, OutgoingResponse, toHttpApiEvent } from '../api-gateway/payload-v2';
import { INVOKE_PREFIX, invokeResponse, lambdaError, listVersionsResponse, parseInvokeRequest, parseListVersionsRequest, refuseInvoke } from './invoke-api';
import { SandboxPlan } from './sandbox';
import { printable, refuseRequest } from './request-guard';
import { LAMBDA_LIMITS } from '../config/lambda-limits';

/** API Gateway HTTP APIs accept request bodies up to 10 MiB. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** Lambda's limit on a synchronous invocation's request (the whole event), in bytes, as its error message gives it. */
export const LAMBDA_REQUEST_LIMIT = LAMBDA_LIMITS.requestBytes;

const TOO_LARGE: OutgoingResponse = {
  statusCode: 413,
  headers: { 'content-type': ['application/json'] },
  body: Buffer.from('{"message":"Request Entity Too Large"}'),
};

export interface LocalApiOptions {
  readonly env: EnvironmentConfig;
  /** What is served: the environment's artifacts, as the caller checked them (against the sources, and by the rules). */
  readonly artifacts: EnvironmentArtifacts;
  readonly buildDir: string;
  readonly projectRoot: string;
  /** Where this tool's own files are: the runtime clients, the AWS SDK stand-ins, the Python toolchain. @default projectRoot */
  readonly toolHome?: string;
  /** The runtime families, as the entry point assembled them: how each builds and how its function process starts here. */
  readonly families: FamilyRegistry<BuildableFamily & { readonly localProcess: FamilyProcess }>;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** 0 picks a free port. @default 3000 */
  readonly port?: number;
  /** Request lines, function output, warnings. */
  readonly log: (line: string) => void;
  /** Starts an SQS-compatible server, for an environment with a queue function (a family's toolchain has one). */
  readonly queueServer?: () => Promise<QueueServer>;
  /** An already running DynamoDB-compatible endpoint; otherwise dynalite is started. */
  readonly dynamodbEndpoint?: string;
  /**
   * Where to look for the runtime's interpreter and the AWS SDK for Python (PATH, PYENV_ROOT, PYTHON3_12, ...).
   * @default process.env
   */
  readonly lookup?: NodeJS.ProcessEnv;
}

export interface LocalInterpreter {
  /** As people call it: "Node", "Python". */
  readonly name: string;
  readonly version: string;
  readonly path: string;
}

export interface LocalApi {
  readonly url: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly sandbox: SandboxPlan;
  /** The interpreter the function runs on. */
  readonly interpreter: LocalInterpreter;
  /** Where the packages the runtime ships (the AWS SDK) come from here. */
  readonly runtimePackages: string;
  readonly layers: readonly LayerArtifact[];
  readonly bundle: BundleArtifact;
  /** The function's name, which Lambda's Invoke API on the same port answers for. */
  readonly functionName: string;
  /** Every function served, the API first. */
  readonly functions: readonly LocalServedFunction[];
  /** The local queues of the queue functions. */
  readonly queues: readonly LocalQueue[];
  /** The SQS-compatible server's endpoint, when the run has queues. */
  readonly sqsEndpoint?: string;
  /** PID of the API's function process, when one is running. */
  functionPid(): number | undefined;
  stop(): Promise<void>;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Lambda's Invoke API for the local functions: the request's JSON as the event, Lambda's answer back. */
async function answerInvoke(
  req: http.IncomingMessage,
  body: Buffer | undefined,
  byName: ReadonlyMap<string, LocalServedFunction>,
  api: LocalServedFunction,
): Promise<OutgoingResponse> {
  const listed = parseListVersionsRequest(req.method ?? 'GET', req.url ?? '/');
  if (listed) return listVersionsResponse(listed, byName.get(listed) ?? api);
  const request = parseInvokeRequest(req.method ?? 'GET', req.url ?? '/', req.headers);
  if (!request)
    return lambdaError(
      404,
      'UnknownOperationException',
      `No Lambda operation ${req.method} ${req.url} here; this endpoint serves Invoke and ListVersionsByFunction`,
    );
  const fn = byName.get(request.functionName);
  const refused = refuseInvoke(request, fn ?? api);
  if (refused || !fn) return refused!;
  if (!body || body.length > LAMBDA_REQUEST_LIMIT) {
    return lambdaError(413, 'RequestTooLargeException', `Request must be smaller than ${LAMBDA_REQUEST_LIMIT} bytes for the InvokeFunction operation`);
  }
  let event: unknown;
  try {
    event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return lambdaError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  return invokeResponse(await fn.invoke(event), request.qualifier);
}

function send(res: http.ServerResponse, response: OutgoingResponse): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(response.headers)) headers[name] = values.length === 1 ? values[0] : values;
  headers['content-length'] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}

/** How the function process starts, and what the banner says about it. */
export interface FunctionProcess {
  readonly sandbox: SandboxPlan;
  readonly command: string;
  readonly args: readonly string[];
  /** Variables that differ between the runtimes (search paths, execution environment). */
  readonly environment: Record<string, string>;
  readonly interpreter: LocalInterpreter;
  /** Where the packages the runtime ships come from, for the banner. */
  readonly runtimePackages: string;
}

/** How a runtime family's function process starts here: its interpreter, runtime client and sandbox layout. */
export type FamilyProcess = (options: LocalApiOptions, artifacts: EnvironmentArtifacts, runtime: string) => Promise<FunctionProcess>;

/** What a function's sandbox holds of its build, as its content hashes, with anything else that shapes it: a kept sandbox's identity. */
export function sandboxIdentity(artifacts: EnvironmentArtifacts, ...more: readonly string[]): string {
  return JSON.stringify([artifacts.bundle.contentHash, ...artifacts.layers.map((layer) => layer.contentHash), ...more]);
}

export function layerTrees(options: LocalApiOptions, artifacts: EnvironmentArtifacts): string[] {
  return artifacts.layers.map((layer) => path.join(options.buildDir, layer.treeDir));
}

/** The function's environment as Lambda sets it, with the local endpoints and the stack's own variables. Pure. */
export function lambdaEnvironment(
  env: EnvironmentConfig,
  where: {
    taskRoot: string;
    runtimeDir: string;
    handler: string;
    dynamodbEndpoint: string;
    tableName: string;
    /** The function's whole name (functionNameFor). */
    functionName: string;
    /** Local only: where the SDK finds SQS, when the run has queues. */
    sqsEndpoint?: string;
    /** The stack's own variables of this function (the queue URLs it may send to). */
    variables?: Readonly<Record<string, string>>;
  },
  processEnvironment: Readonly<Record<string, string>>,
): Record<string, string> {
  const { functionName } = where;
  return {
    ...processEnvironment,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: where.taskRoot,
    LAMBDA_RUNTIME_DIR: where.runtimeDir,
    _HANDLER: where.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${env.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(env.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    AWS_REGION: env.region,
    AWS_DEFAULT_REGION: env.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: LOCAL_CREDENTIALS.sessionToken,
    // Local only: where the SDK in the layer finds DynamoDB (on Lambda it uses the regional endpoint).
    AWS_ENDPOINT_URL_DYNAMODB: where.dynamodbEndpoint,
    ...(where.sqsEndpoint ? { AWS_ENDPOINT_URL_SQS: where.sqsEndpoint } : {}),
    ...functionEnvironment(env, where.tableName),
    ...(where.variables ?? {}),
  };
}

/** One function of the environment as the local run serves it: its own process, sandbox and layers. */
export interface LocalServedFunction {
  /** Its name in the configuration ("api", "worker"). */
  readonly name: string;
  /** The whole name AWS sees, which the Invoke API answers for. */
  readonly functionName: string;
  readonly functionArn: string;
  readonly trigger: Trigger;
  readonly sandbox: SandboxPlan;
  readonly interpreter: LocalInterpreter;
  readonly runtimePackages: string;
  readonly layers: readonly LayerArtifact[];
  readonly bundle: BundleArtifact;
  invoke(event: unknown): Promise<InvokeResult>;
  pid(): number | undefined;
}

/** Answers one request as API Gateway and Lambda would: the guard, the Invoke API, or the route's function. */
function requestHandler(served: readonly LocalServedFunction[], options: LocalApiOptions): http.RequestListener {
  const { log } = options;
  const api = served[0];
  const byName = new Map(served.map((fn) => [fn.functionName, fn]));
  const routes = served.flatMap((fn) => (fn.trigger.type === 'http' ? fn.trigger.routes.map((routeKey) => ({ routeKey, target: fn })) : []));
  return (req, res) => {
    const started = process.hrtime.bigint();
    void (async () => {
      const body = await readBody(req, MAX_REQUEST_BYTES);
      let response: OutgoingResponse;
      let note = '';
      // What a logged path or message holds is printed escaped: a request must not write to the terminal.
      const requested = printable(`${req.method} ${req.url ?? ''}`);
      const refused = refuseRequest({ url: req.url ?? '/', headers: req.headers }, options.host ?? '127.0.0.1', INVOKE_PREFIX);
      if (refused) {
        send(res, refused);
        log(`${requested} -> ${refused.statusCode} refused (${printable((JSON.parse(refused.body.toString('utf8')) as { message?: string }).message ?? '')})`);
        return;
      }
      if ((req.url ?? '').startsWith(INVOKE_PREFIX)) {
        response = await answerInvoke(req, body, byName, api);
        send(res, response);
        log(`Lambda Invoke ${printable(req.url ?? '')} -> ${response.statusCode}${response.headers['x-amz-function-error'] ? ' (function error)' : ''}`);
        return;
      }
      const route = matchRoute(routes, req.method ?? 'GET', decodedPath(req.url ?? '/'));
      const event =
        body && route
          ? toHttpApiEvent({
              method: req.method ?? 'GET',
              url: req.url ?? '/',
              rawHeaders: req.rawHeaders,
              body,
              sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
              requestId: randomUUID(),
              time: new Date(),
              domainName: req.headers.host ?? 'localhost',
              route: { routeKey: route.routeKey, ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}) },
            })
          : undefined;
      if (!route) {
        // No route and no $default: API Gateway answers itself.
        response = NOT_FOUND;
      } else if (!event || Buffer.byteLength(JSON.stringify(event), 'utf8') > LAMBDA_REQUEST_LIMIT) {
        // API Gateway refuses a body over 10 MiB; Lambda an invocation whose event, counted whole, is over its limit.
        response = TOO_LARGE;
      } else {
        const result = await route.target.invoke(event);
        if (result.ok) {
          response = fromFunctionResult(result.payload);
        } else {
          response = functionErrorResponse(result);
          log(`  function error ${printable(result.errorType)}: ${printable(result.errorMessage)}`);
        }
        if (result.coldStart) note = ' (cold start)';
        if (served.length > 1) note += ` [${route.target.name}]`;
      }
      send(res, response);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${requested} -> ${response.statusCode} in ${ms.toFixed(1)} ms${note}`);
    })().catch((error: unknown) => {
      log(`local server error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) send(res, functionErrorResponse({ errorType: 'Local.ServerError', errorMessage: String(error) }));
    });
  };
}

function decodedPath(url: string): string {
  const questionMark = url.indexOf('?');
  const raw = questionMark === -1 ? url : url.slice(0, questionMark);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const NOT_FOUND: OutgoingResponse = { statusCode: 404, headers: { 'content-type': ['application/json'] }, body: Buffer.from('{"message":"Not Found"}') };

/**
 * Serves every function of the environment from the artifacts it is given (checked by the caller), each laid out as
 * Lambda lays it out (its own bundle and layers) in its own function process on the runtime's own interpreter: the
 * HTTP functions on one port by route (payload 2.0 events), the queue functions fed from a local SQS-compatible server
 * by a poller as Lambda's event source mapping feeds them, every function through Lambda's Invoke API on the same
 * port, with a local DynamoDB-compatible server behind them.
 */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const { env, log, artifacts } = options;
  if ((env.architecture === 'arm64') !== (process.arch === 'arm64')) {
    log(`note: ${env.name} runs on ${env.architecture}; this machine runs ${process.arch}, so native code in layers may not load here`);
  }

  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    const functions = artifacts.functions.length ? artifacts.functions : [{ function: env.functions[0], ...artifacts }];
    const needsQueues = functions.some(({ function: fn }) => fn.trigger.type === 'queue');
    // The queue server and its queues come up while the function processes are prepared.
    const queueServer = needsQueues && options.queueServer ? options.queueServer() : undefined;
    const queuesReady = queueServer?.then(async (server) => {
      const client = localSqsClient(server.endpoint, env.region);
      const made = new Map<string, LocalQueue>();
      for (const { function: fn } of functions) {
        if (fn.trigger.type !== 'queue') continue;
        made.set(
          fn.name,
          await createLocalQueue(client, functionNameFor(env, fn.name), { timeoutSeconds: fn.timeoutSeconds, maxReceiveCount: fn.trigger.maxReceiveCount }),
        );
      }
      return { server, client, made };
    });
    queuesReady?.catch(() => undefined);
    if (queueServer) cleanups.push(() => queueServer.then((server) => server.stop()).catch(() => undefined));
    const prepared: FunctionProcess[] = [];
    for (const built of functions) {
      const own = environmentOf(env, built.function);
      const slice: EnvironmentArtifacts = { layers: built.layers, bundle: built.bundle, managed: built.managed, functions: [built] };
      prepared.push(await options.families.ofRuntime(own.runtime).localProcess({ ...options, env: own }, slice, own.runtime));
      if (built.managed.length) {
        log(`note: ${built.managed.map((layer) => layer.name).join(', ')} is published by AWS and attached on Lambda only; it is not here`);
      }
    }

    let dynamo: LocalDynamoDb | undefined;
    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      dynamo = await startLocalDynamoDb();
      cleanups.push(() => dynamo!.stop());
      dynamodbEndpoint = dynamo.endpoint;
    }
    const tableName = tableNameOf(env);
    await ensureMessagesTable(dynamodbEndpoint, tableName);

    let sqs: SQSClient | undefined;
    let sqsEndpoint: string | undefined;
    const queues = new Map<string, LocalQueue>();
    if (queueServer && queuesReady) {
      const server = await queueServer;
      const ready = await queuesReady;
      sqs = ready.client;
      cleanups.push(() => ready.client.destroy());
      sqsEndpoint = server.endpoint;
      for (const [name, queue] of ready.made) queues.set(name, queue);
    } else if (needsQueues) {
      log('warning: no SQS-compatible server here, so the queue functions are served through the Invoke API only and nothing feeds them');
    }

    const served: LocalServedFunction[] = [];
    for (const [index, built] of functions.entries()) {
      const fn = built.function;
      const own = environmentOf(env, fn);
      const proc = prepared[index];
      const { sandbox } = proc;
      const functionName = functionNameFor(env, fn.name);
      const functionArn = `arn:aws:lambda:${env.region}:123456789012:function:${functionName}`;
      const displayPath = (text: string): string => text.split(sandbox.root).join('');
      const variables = Object.fromEntries(
        queueGrantsOf(fn).flatMap((name) => {
          const queue = queues.get(name);
          return queue ? [[queueUrlVariable(name), queue.url]] : [];
        }),
      );
      const local = new LocalFunction({
        command: proc.command,
        args: proc.args,
        taskRoot: sandbox.taskRoot,
        timeoutSeconds: own.timeoutSeconds,
        maxInFlight: own.reservedConcurrency,
        functionArn,
        log: (line) => log(`  [${functionName}] ${line}`),
        displayPath,
        environment: lambdaEnvironment(
          own,
          {
            taskRoot: sandbox.taskRoot,
            runtimeDir: sandbox.runtimeDir,
            handler: built.bundle.handler,
            dynamodbEndpoint,
            tableName,
            functionName,
            ...(sqsEndpoint ? { sqsEndpoint } : {}),
            variables,
          },
          proc.environment,
        ),
      });
      await local.start();
      cleanups.push(() => local.stop());
      served.push({
        name: fn.name,
        functionName,
        functionArn,
        trigger: fn.trigger,
        sandbox,
        interpreter: proc.interpreter,
        runtimePackages: proc.runtimePackages,
        layers: built.layers,
        bundle: built.bundle,
        invoke: (event) => local.invoke(event),
        pid: () => local.pid,
      });
    }

    const pollers: QueuePoller[] = [];
    for (const fn of served) {
      const queue = queues.get(fn.name);
      if (!queue || fn.trigger.type !== 'queue' || !sqs) continue;
      const poller = new QueuePoller({ client: sqs, queue, region: env.region, batchSize: fn.trigger.batchSize, invoke: (event) => fn.invoke(event), log });
      poller.start();
      pollers.push(poller);
    }
    // Stopped before the queue server and the functions they feed.
    cleanups.push(() => Promise.all(pollers.map((poller) => poller.stop())).then(() => undefined));

    const server = http.createServer(requestHandler(served, options));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const address = server.address() as AddressInfo;
    const api = served[0];
    return {
      url: `http://${address.address}:${address.port}`,
      dynamodbEndpoint,
      tableName,
      sandbox: api.sandbox,
      interpreter: api.interpreter,
      runtimePackages: api.runtimePackages,
      layers: api.layers,
      bundle: api.bundle,
      functionName: api.functionName,
      functions: served,
      queues: [...queues.values()],
      ...(sqsEndpoint ? { sqsEndpoint } : {}),
      functionPid: () => api.pid(),
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
