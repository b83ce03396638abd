// The shell family's runtime client for the local run: what a custom runtime's `bootstrap` does on Lambda (AWS's
// custom-runtime tutorial writes it in bash with curl; this machine may have no curl, so this one is Node, standard
// library only). It speaks the Runtime API at AWS_LAMBDA_RUNTIME_API and runs the handler (_HANDLER "function.handler":
// the function `handler` of function.sh in the task root) in bash, under `set -e`, with the event as its one argument;
// what the handler prints is the response. bash finds the libraries a script sources (`. greet.sh`) on PATH, which the
// family sets to the task root, then /opt/bin, as on Lambda.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handler = process.env._HANDLER;
const dot = handler.lastIndexOf('.');
const script = path.join(taskRoot, `${handler.slice(0, dot)}.sh`);
const name = handler.slice(dot + 1);

function call(method, route, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host, port, method, path: `/2018-06-01/runtime/${route}`, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (response) => {
        let data = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (data += chunk));
        response.on('end', () => resolve({ headers: response.headers, body: data }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Runs bash code with the script, the handler's name and the event as $1, $2 and $3. */
function bash(code, args) {
  return new Promise((resolve) => {
    const child = spawn(process.env.SHELL_FAMILY_BASH, ['-c', code, 'bootstrap', ...args], {
      cwd: taskRoot,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr: stderr.trim() }));
  });
}

const error = (errorType, errorMessage) => JSON.stringify({ errorType, errorMessage, stackTrace: [] });

const init = await bash('set -e; . "$1"; declare -F "$2" >/dev/null || { echo "handler $2 is not a function of ${1##*/}" >&2; exit 1; }', [script, name]);
if (init.status !== 0) {
  process.stderr.write(`[ERROR] Runtime.InitError: ${init.stderr}\n`);
  await call('POST', 'init/error', error('Runtime.InitError', init.stderr));
  process.exit(1);
}
for (;;) {
  const next = await call('GET', 'invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  const run = await bash('set -e; . "$1"; "$2" "$3"', [script, name, next.body]);
  if (run.stderr) process.stderr.write(`${run.stderr}\n`);
  if (run.status === 0) await call('POST', `invocation/${id}/response`, run.stdout);
  else await call('POST', `invocation/${id}/error`, error('Runtime.ExitError', `${handler} exited with status ${run.status}: ${run.stderr}`));
}
