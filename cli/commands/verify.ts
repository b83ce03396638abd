import * as path from 'node:path';
import { readManifest } from '../../builder/manifest';
import { awsClients } from '../../history/aws';
import { judgeDeployment } from '../../verification/deployment-check';
import { gatherFacts } from '../../verification/gather';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { usage } from '../../project/errors';
import { Command, writeJson } from '../command';
import { SYNTH_OUTDIR } from './synth';
import { environmentForStack } from './stacks';
import { loadProjectConfig } from '../../config/config-sources';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'After a deploy: layers attached and complete, API answering; on failure, logs and the likely cause',
  usage: 'npm run verify -- <stack> [--wait <seconds>] [--json]',
  help: `The seed's troubleshooting runbook as one command. From the stack's state it reads
the outputs and the function's layers, then checks:
  - the function's configured layers are exactly the layer versions in the state;
  - each layer version's CodeSha256 is the archive this deploy built (when the
    archive is in cdktf.out), its runtimes and architectures fit the function, and,
    where Lambda lets its content be downloaded, every package of the build manifest
    is inside;
  - the API answers: health, list, create, and the list shows the new message.
On any failure it prints the function's latest log events and names the likely
cause: a package missing from a layer, a layer not attached, an architecture or
runtime mismatch, or the API not reachable. Exit code 0 only when all pass.

Options:
  --wait <seconds>  keep retrying the health check this long while a deploy settles (default 0)
  --build-dir       build folder with the manifest (default .build, or BUILD_DIR)
  --json            print the checks and causes as JSON on stdout
  --no-color        no colour (NO_COLOR is honoured too)
  -h, --help        this help`,
  options: { wait: { type: 'string' }, 'build-dir': { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const environment = environmentForStack(loadProjectConfig(PROJECT_ROOT, env), positionals[0], 'verify');
    const wait = values['wait'] === undefined ? 0 : Number(values['wait']);
    if (!Number.isFinite(wait) || wait < 0) throw usage(`--wait takes seconds, got "${String(values['wait'])}".`, 'verify');
    let manifest;
    try {
      manifest = readManifest(resolveBuildDir(values['build-dir'] as string | undefined, env));
    } catch {
      err.line('note: no build manifest here, so layer contents are not compared with the build.');
    }
    const facts = await gatherFacts({
      env: environment,
      clients: awsClients(environment.region),
      ...(manifest ? { manifest } : {}),
      stackDir: path.resolve(PROJECT_ROOT, env['CDKTF_OUTDIR'] ?? SYNTH_OUTDIR, 'stacks', environment.stackName),
      waitMs: wait * 1000,
    });
    const verdict = judgeDeployment(facts);
    for (const check of verdict.checks) err.line(`${check.ok ? err.green('✓') : err.red('✗')} ${check.name}: ${check.detail}`);
    if (!verdict.ok) {
      for (const { cause, evidence } of verdict.causes) err.line(`${err.bold('Likely cause:')} ${cause} (${evidence})`);
      if (verdict.causes.length === 0) err.line(`${err.bold('Likely cause:')} not recognised; read the log events below.`);
      err.line(`Latest log events of /aws/lambda/${facts.functionName}:`);
      for (const line of facts.logs.length ? facts.logs : ['(none)']) err.line(`  ${line}`);
    }
    if (values['json']) writeJson(out, { stack: environment.stackName, ...verdict, logs: facts.logs });
    return verdict.ok ? 0 : 1;
  },
};
