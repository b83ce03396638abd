import { optionValueInvalid } from '../../project/errors';
import { environmentForStack } from '../../use-cases/stacks';
import { verifyStack } from '../../use-cases/verify';
import { Command, writeJson } from '../command';

export const verifyCommand: Command = {
  usage: 'npm run verify -- <stack> [--wait <seconds>] [--strict] [--json]',
  help: `The seed's troubleshooting runbook as one command. From the stack's state it reads
the outputs and the function's layers, then checks:
  - the function's configured layers are exactly the layer versions in the state;
  - each layer version's CodeSha256 is the archive this deploy built (when the
    archive is in cdktf.out), its runtimes and architectures fit the function, and,
    where Lambda lets its content be downloaded, every package of the build manifest
    is inside;
  - the API answers: health, list, create, and the list shows the new message;
    then the message it created is deleted from the table (the stack's table_name;
    only while it is still that message), so verify leaves no trace in the data.
On any failure it prints the function's latest log events and names the likely
cause: a package missing from a layer, a layer not attached, an architecture or
runtime mismatch, or the API not reachable.

A check that could not run (no built archive or manifest here to compare with, a layer
Lambda gives no download location for) is reported as skipped, with the reason, and
counted apart: never as passed. Exit code 0 when nothing failed; with --strict, only
when nothing was skipped either (the deploy workflow uses it).`,
  options: {
    wait: { type: 'string', value: '<seconds>', describe: 'keep retrying the health check this long while a deploy settles (default 0)' },
    strict: { type: 'boolean', describe: 'a skipped check fails the verification' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder with the manifest (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print the checks and causes as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const environment = environmentForStack(project.config(), positionals[0], 'verify');
    const wait = values['wait'] === undefined ? 0 : Number(values['wait']);
    if (!Number.isFinite(wait) || wait < 0) throw optionValueInvalid('--wait', 'seconds', values['wait'], 'verify');
    const strict = Boolean(values['strict']);
    const { facts, verdict } = await verifyStack({
      environment,
      project,
      ...(values['build-dir'] ? { buildDir: values['build-dir'] as string } : {}),
      waitMs: wait * 1000,
      strict,
    });
    const marks = { passed: err.green('✓'), failed: err.red('✗'), skipped: err.yellow('-') };
    for (const check of verdict.checks) err.line(`${marks[check.status]} ${check.name}${check.status === 'skipped' ? ' (skipped)' : ''}: ${check.detail}`);
    const { passed, failed, skipped } = verdict.counts;
    err.line(`${passed} passed, ${failed} failed, ${skipped} skipped${strict && skipped > 0 ? ' (--strict: a skipped check fails)' : ''}`);
    if (!verdict.ok && failed === 0) {
      err.line(err.red(`Nothing failed, but ${skipped} check(s) could not run, and --strict counts that as a failure.`));
    } else if (!verdict.ok) {
      for (const { cause, evidence } of verdict.causes) err.line(`${err.bold('Likely cause:')} ${cause} (${evidence})`);
      if (verdict.causes.length === 0) err.line(`${err.bold('Likely cause:')} not recognised; read the log events below.`);
      err.line(`Latest log events of /aws/lambda/${facts.functionName}:`);
      for (const line of facts.logs.length ? facts.logs : ['(none)']) err.line(`  ${line}`);
    }
    if (values['json']) writeJson(out, { stack: environment.stackName, strict, ...verdict, logs: facts.logs });
    return verdict.ok ? 0 : 1;
  },
};
