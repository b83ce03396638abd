import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { LAMBDA_LIMITS } from '../config/lambda-limits';

export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown; readonly coldStart: boolean }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string; readonly coldStart: boolean };

export interface LocalFunctionOptions {
  /** The interpreter of the runtime: Node of its major version, or Python of its version. */
  readonly command: string;
  /** Its arguments: the runtime interface client inside the sandbox's /var/runtime, and what it needs. */
  readonly args: readonly string[];
  /** Working folder of the process: the task root, as on Lambda. */
  readonly taskRoot: string;
  /** The process's whole environment; nothing is inherited from this process. */
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly functionArn: string;
  /** Where the function's stdout and stderr go, line by line. */
  readonly log: (line: string) => void;
  /** Rewrites sandbox paths in error messages to Lambda's (/var/task, /opt). */
  readonly displayPath?: (text: string) => string;
  /**
   * Invocations in flight at most, running or waiting: the function's reserved concurrency, the most Lambda
   * would run at once (this one sandbox runs them in turn). One more is throttled (errorType `Local.Throttled`)
   * instead of queued without end.
   * @default - no bound
   */
  readonly maxInFlight?: number;
}

interface Pending {
  readonly id: string;
  readonly event: unknown;
  readonly deadline: number;
  readonly resolve: (result: InvokeResult) => void;
  readonly coldStart: boolean;
}

const PREFIX = '/2018-06-01/runtime';

/** Lambda's limit on a synchronous invocation's response, in bytes, as its error message gives it. */
export const LAMBDA_RESPONSE_LIMIT = LAMBDA_LIMITS.responseBytes;

/**
 * One Lambda execution environment, emulated: a process running the runtime
 * interface client (Node.js or Python) against a Runtime API served here on loopback. Invocations run
 * one at a time, as in a Lambda sandbox. If the process dies (crash, init error,
 * timeout, or killed) the next invocation starts a new one: a cold start.
 */
export class LocalFunction {
  private server?: http.Server;
  private port = 0;
  private child?: ChildProcess;
  private waitingForNext?: http.ServerResponse;
  private current?: Pending;
  private readonly queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Why the process is going away: an init error it reported, or a timeout. */
  private failure?: { errorType: string; errorMessage: string };

  constructor(private readonly options: LocalFunctionOptions) {}

  /** PID of the running function process, if one is running. */
  get pid(): number | undefined {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handleRuntimeApi(req, res));
    this.server.keepAliveTimeout = 0;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  invoke(event: unknown): Promise<InvokeResult> {
    if (this.stopped) return Promise.resolve({ ok: false, errorType: 'Local.Stopped', errorMessage: 'the local function is stopped', coldStart: false });
    const inFlight = this.queue.length + (this.current ? 1 : 0);
    if (this.options.maxInFlight !== undefined && inFlight >= this.options.maxInFlight) {
      return Promise.resolve({
        ok: false,
        errorType: 'Local.Throttled',
        errorMessage: `${inFlight} invocations are in flight, as many as the function's reserved concurrency; Lambda would throttle this one`,
        coldStart: false,
      });
    }
    return new Promise((resolve) => {
      const coldStart = !this.pid;
      const pending: Pending = {
        id: randomUUID(),
        event,
        deadline: 0,
        resolve,
        coldStart,
      };
      this.queue.push(pending);
      this.pump();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.killChild();
    for (const pending of this.queue.splice(0)) {
      pending.resolve({ ok: false, errorType: 'Local.Stopped', errorMessage: 'the local function stopped', coldStart: false });
    }
    this.waitingForNext?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private ensureProcess(): void {
    if (this.pid || this.stopped) return;
    this.failure = undefined;
    const child = spawn(this.options.command, this.options.args, {
      cwd: this.options.taskRoot,
      env: { ...this.options.environment, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${this.port}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.options.log(this.display(line));
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.waitingForNext = undefined;
      // The invocation in flight fails; if none was handed out yet (init failed), the one that caused the start does.
      if (!this.current && this.queue.length > 0) this.current = this.queue.shift();
      if (this.current) {
        const failure = this.failure ?? {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${this.current.id} Error: Runtime exited ${signal ? `with signal: ${signal}` : `with error: exit status ${code}`}`,
        };
        this.finish({ ok: false, ...failure, coldStart: this.current.coldStart });
      }
      this.pump();
    });
  }

  private killChild(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private display(text: string): string {
    return this.options.displayPath ? this.options.displayPath(text) : text;
  }

  private pump(): void {
    if (this.current || this.queue.length === 0 || this.stopped) return;
    this.ensureProcess();
    if (!this.waitingForNext) return;
    const next = this.queue.shift()!;
    const deadline = Date.now() + this.options.timeoutSeconds * 1000;
    this.current = { ...next, deadline };
    const res = this.waitingForNext;
    this.waitingForNext = undefined;
    res.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': next.id,
      'lambda-runtime-deadline-ms': String(deadline),
      'lambda-runtime-invoked-function-arn': this.options.functionArn,
      'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${next.id.replace(/-/g, '').slice(0, 24)}`,
    });
    res.end(JSON.stringify(next.event));
    this.timer = setTimeout(() => {
      const seconds = this.options.timeoutSeconds.toFixed(2);
      this.options.log(`Task timed out after ${seconds} seconds`);
      this.failure = { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` };
      this.killChild();
    }, this.options.timeoutSeconds * 1000);
  }

  private finish(result: InvokeResult): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const current = this.current;
    this.current = undefined;
    current?.resolve(result);
  }

  private handleRuntimeApi(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '';
      const reply = (status: number, payload: object = { status: 'OK' }): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
        this.waitingForNext = res;
        this.pump();
        return;
      }
      const parsed = (): { errorType?: string; errorMessage?: string } => {
        try {
          return JSON.parse(body) as { errorType?: string; errorMessage?: string };
        } catch {
          return { errorType: 'Runtime.Unknown', errorMessage: body };
        }
      };
      if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
        const error = parsed();
        this.failure = {
          errorType: error.errorType ?? 'Runtime.Unknown',
          errorMessage: this.display(error.errorMessage ?? 'init failed'),
        };
        reply(202);
        return;
      }
      const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (req.method === 'POST' && match) {
        if (!this.current || this.current.id !== match[1]) {
          reply(400, { errorMessage: `unknown request id ${match[1]}`, errorType: 'InvalidRequestID' });
          return;
        }
        reply(202);
        if (match[2] === 'response' && Buffer.byteLength(body, 'utf8') > LAMBDA_RESPONSE_LIMIT) {
          this.finish({
            ok: false,
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${LAMBDA_RESPONSE_LIMIT} bytes).`,
            coldStart: this.current.coldStart,
          });
        } else if (match[2] === 'response') {
          let payload: unknown;
          try {
            payload = body === '' ? null : JSON.parse(body);
          } catch {
            payload = body;
          }
          this.finish({ ok: true, payload, coldStart: this.current.coldStart });
        } else {
          const error = parsed();
          this.finish({
            ok: false,
            errorType: error.errorType ?? 'Error',
            errorMessage: this.display(error.errorMessage ?? ''),
            coldStart: this.current.coldStart,
          });
        }
        return;
      }
      reply(404, { errorMessage: `no Runtime API route ${req.method} ${url}`, errorType: 'NotFound' });
    });
  }
}
