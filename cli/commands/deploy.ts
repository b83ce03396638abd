import { optionValueInvalid, optionsExclusive, optionsTogether } from '../../project/errors';
import { parseDuration } from '../../rollout/canary';
import { CanaryOptions } from '../../rollout/plan';
import { ROLLOUT_RECORD } from '../../rollout/run';
import { PUBLISH_PLAN, deployStack } from '../../use-cases/deploy';
import { environmentForStack } from '../../use-cases/stacks';
import { Command, writeJson } from '../command';

/** --canary and --watch, read and checked together. */
export function canaryOption(values: Record<string, unknown>, command: string): CanaryOptions | undefined {
  const percent = values['canary'] as string | undefined;
  const watch = values['watch'] as string | undefined;
  if (percent === undefined && watch === undefined) return undefined;
  if (percent === undefined || watch === undefined) throw optionsTogether(['--canary <percent>', '--watch <duration>'], command);
  if (!/^\d+$/.test(percent) || Number(percent) < 1 || Number(percent) > 50)
    throw optionValueInvalid('--canary', 'a percentage from 1 to 50', percent, command);
  const seconds = parseDuration(watch);
  if (seconds === undefined || seconds < 60 || seconds > 6 * 3600)
    throw optionValueInvalid('--watch', 'a duration from 1m to 6h such as 10m or 90s', watch, command);
  return { percent: Number(percent), watchSeconds: seconds };
}

export const deployCommand: Command = {
  usage: 'npm run deploy -- <stack> [--canary <percent> --watch <duration>] [--auto-approve] [--skip-build] [--plan-only | --apply-saved] [--json]',
  help: `Rolls a build out in phases, each a Terraform apply that state records:
  1. publish: apply with the alias live held on the current version (the function publishes
     a new version; the API still invokes the old one); asks first unless --auto-approve;
  2. probe: invoke the new version directly (by qualified ARN, not through the API) with
     payload 2.0 events for GET / and GET /api/messages/: 200 and a well-formed body, or fail;
  3. go live: apply with live on the new version; or, with --canary P --watch D, give the new
     version P% of live's traffic, read its Errors and Throttles from CloudWatch (by
     ExecutedVersion) for D, then promote, or revert at the first error.
On any failure live stays on (or returns to) the previous version, the exit code is 1, and
the probe's answer and the new version's latest log events are printed. A stack's first
deploy has no previous version: it goes live directly and says so. A rollback pin (npm run
rollback) is deployed the same way and removed once live.

In CI the publishing plan is the reviewed one: the plan job runs --plan-only (plans with
live held and -lock=false, writes ${PUBLISH_PLAN} and ${ROLLOUT_RECORD} in the stack folder);
the apply job runs --apply-saved (applies that plan unchanged, then the other phases).

Needs AWS credentials, Terraform 1.11 (TERRAFORM names another binary) and the state bucket.`,
  options: {
    canary: { type: 'string', value: '<percent>', describe: "give the new version this share (1-50) of live's traffic first" },
    watch: { type: 'string', value: '<duration>', describe: 'how long to watch the canary, e.g. 10m (1m to 6h)' },
    'auto-approve': { type: 'boolean', describe: 'apply the publishing plan without asking' },
    'skip-build': { type: 'boolean', describe: 'use cdktf.out as it is: no build, no synth' },
    'plan-only': { type: 'boolean', describe: "plan the publishing phase and stop (CI's plan job)" },
    'apply-saved': { type: 'boolean', describe: "apply the saved publishing plan, then roll out (CI's apply job)" },
    json: { type: 'boolean', describe: 'print the rollout report as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const config = project.config();
    const environment = environmentForStack(config, positionals[0], 'deploy');
    const canary = canaryOption(values, 'deploy');
    if (values['plan-only'] && values['apply-saved']) throw optionsExclusive(['--plan-only', '--apply-saved'], 'deploy', 'are the two halves of a deploy');
    const result = await deployStack({
      project,
      environment,
      report: err,
      ...(canary ? { canary } : {}),
      autoApprove: Boolean(values['auto-approve']),
      skipBuild: Boolean(values['skip-build']),
      planOnly: Boolean(values['plan-only']),
      applySaved: Boolean(values['apply-saved']),
    });
    if (result.kind === 'planned') {
      if (values['json'])
        writeJson(out, { stack: result.stack, plan: result.plan, ...(result.previousLive !== undefined ? { previousLive: result.previousLive } : {}) });
      return 0;
    }
    if (values['json']) writeJson(out, result.report);
    return result.report.ok ? 0 : 1;
  },
};
