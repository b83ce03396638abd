/**
 * A Lambda runtime interface client for the local run, copied to the sandbox's
 * /var/runtime. It does what Lambda's Node.js runtime does: resolve bare imports
 * of ES modules through NODE_PATH as well (plain Node does not), load the handler
 * from the task root, then loop on the Runtime API (next, response, error).
 * It imports nothing but Node's built-ins, so it runs on any Lambda Node major.
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installNodePathResolution } from './node-path-resolution';

const API = process.env['AWS_LAMBDA_RUNTIME_API'] ?? '';
const TASK_ROOT = process.env['LAMBDA_TASK_ROOT'] ?? process.cwd();
const HANDLER = process.env['_HANDLER'] ?? 'index.handler';

interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

function toLambdaError(error: unknown, errorType?: string): LambdaError {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: errorType ?? err.name ?? 'Error',
    errorMessage: errorType ? `${err.name}: ${err.message}` : err.message,
    trace: (err.stack ?? '').split('\n'),
  };
}

function request(method: string, urlPath: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const [host, port] = API.split(':');
    const req = http.request({ host, port: Number(port), path: urlPath, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function postError(urlPath: string, error: LambdaError): Promise<void> {
  await request('POST', urlPath, JSON.stringify(error), {
    'content-type': 'application/json',
    'lambda-runtime-function-error-type': error.errorType,
  });
}

function findHandlerFile(moduleName: string): string | undefined {
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const candidate = path.join(TASK_ROOT, `${moduleName}${extension}`);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

type Handler = (event: unknown, context: object) => unknown;

async function loadHandler(): Promise<Handler> {
  const dot = HANDLER.lastIndexOf('.');
  const moduleName = HANDLER.slice(0, dot);
  const exportName = HANDLER.slice(dot + 1);
  const file = findHandlerFile(moduleName);
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}'`), { lambdaType: 'Runtime.ImportModuleError' });
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw Object.assign(error as Error, { lambdaType: 'Runtime.ImportModuleError' });
  }
  const viaDefault = loaded['default'] as Record<string, unknown> | undefined;
  const handler = loaded[exportName] ?? viaDefault?.[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${HANDLER} is undefined or not exported`), { lambdaType: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

async function main(): Promise<void> {
  let handler: Handler;
  try {
    installNodePathResolution();
    handler = await loadHandler();
  } catch (error) {
    const type = (error as { lambdaType?: string }).lambdaType ?? 'Runtime.UserCodeSyntaxError';
    const lambdaError = toLambdaError(error, type);
    process.stderr.write(`INIT_REPORT ${lambdaError.errorType}: ${lambdaError.errorMessage}\n`);
    await postError('/2018-06-01/runtime/init/error', lambdaError);
    process.exit(1);
  }

  let currentRequestId: string | undefined;
  const failCurrent = (error: unknown, type: string): void => {
    const lambdaError = toLambdaError(error, type);
    process.stderr.write(`${lambdaError.errorType}: ${lambdaError.errorMessage}\n`);
    const done = (): never => process.exit(128);
    if (!currentRequestId) done();
    postError(`/2018-06-01/runtime/invocation/${currentRequestId}/error`, lambdaError).then(done, done);
  };
  process.on('uncaughtException', (error) => failCurrent(error, 'Runtime.UncaughtException'));
  process.on('unhandledRejection', (reason) => failCurrent(reason, 'Runtime.UnhandledPromiseRejection'));

  for (;;) {
    const next = await request('GET', '/2018-06-01/runtime/invocation/next');
    const requestId = String(next.headers['lambda-runtime-aws-request-id']);
    const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
    currentRequestId = requestId;
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: String(next.headers['lambda-runtime-invoked-function-arn'] ?? ''),
      functionName: process.env['AWS_LAMBDA_FUNCTION_NAME'],
      functionVersion: process.env['AWS_LAMBDA_FUNCTION_VERSION'],
      memoryLimitInMB: process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'],
      logGroupName: process.env['AWS_LAMBDA_LOG_GROUP_NAME'],
      logStreamName: process.env['AWS_LAMBDA_LOG_STREAM_NAME'],
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      callbackWaitsForEmptyEventLoop: true,
    };
    try {
      const result = await handler(JSON.parse(next.body) as unknown, context);
      await request('POST', `/2018-06-01/runtime/invocation/${requestId}/response`, JSON.stringify(result ?? null), {
        'content-type': 'application/json',
      });
    } catch (error) {
      const lambdaError = toLambdaError(error);
      process.stderr.write(`ERROR ${requestId} ${lambdaError.errorType}: ${lambdaError.errorMessage}\n`);
      await postError(`/2018-06-01/runtime/invocation/${requestId}/error`, lambdaError);
    }
    currentRequestId = undefined;
  }
}

void main();
