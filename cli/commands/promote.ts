import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadProjectConfig } from '../../config/config-sources';
import { functionNameOf } from '../../config/environments';
import { promoteFailed, promotePlanMissing, promoteRefused, terraformFailed, usage, versionNotRetained } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { currentLiveVersion, publishedVersions } from '../../rollout/lambda';
import { PROMOTE_PLAN, PROMOTE_RECORD, PromotionRefused, planPromotion, promote, readPromotionRecord } from '../../rollout/promote';
import { PhaseFailed } from '../../rollout/run';
import { terraformIn } from '../../rollout/terraform';
import { Command, appendJobSummary, writeJson } from '../command';
import { PLAN_JSON } from './deploy';
import { SYNTH_OUTDIR, synthesiseStacks } from './synth';
import { environmentForStack } from './stacks';

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Move live to a retained version that answers the probe, through Terraform: the instant rollback, no rebuild',
  usage: 'npm run promote -- <stack> --to <version> [--dry-run | --plan-only | --apply-saved] [--json]',
  help: `Moves the alias live, which the API invokes, to a version the function has published and
still keeps (every deploy publishes one; \`npm run history\` shows which were live when).
The version is probed first (GET / and GET /api/messages/, invoked directly as a deploy
probes a new version): one that does not answer is refused with the probe's answer, and
live does not move. The move is a Terraform apply with -var live_version=<version>, so
state records it, and it is refused when it would change anything but the alias (when
cdktf.out is of another build than the deployed one): nothing is rebuilt and no layer
version is made. For an older deployment as a whole, see npm run rollback.

In CI the move is reviewed like a deploy: the plan job runs --plan-only (the plan role, no
state lock; writes ${PROMOTE_PLAN}, ${PLAN_JSON} and ${PROMOTE_RECORD} in the stack folder), and the
environment's job runs --apply-saved (probes the version, then applies that plan unchanged).`,
  options: {
    to: { type: 'string', value: '<version>', describe: 'the published version to make live' },
    'dry-run': { type: 'boolean', describe: 'say what would move, change nothing' },
    'plan-only': { type: 'boolean', describe: 'plan the move and stop (CI\'s plan job)' },
    'apply-saved': { type: 'boolean', describe: 'probe the version, then apply the saved plan (CI\'s approved job)' },
    json: { type: 'boolean', describe: 'print the result as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const environment = environmentForStack(config, positionals[0], 'promote');
    const modes = ['dry-run', 'plan-only', 'apply-saved'].filter((mode) => values[mode]);
    if (modes.length > 1) throw usage(`--${modes.join(' and --')} do not go together; give one.`, 'promote');
    const stackDir = path.join(PROJECT_ROOT, SYNTH_OUTDIR, 'stacks', environment.stackName);
    const functionName = functionNameOf(environment);
    const lambda = new LambdaClient({ region: environment.region });
    const terraform = () => terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
    const say = (line: string) => err.line(line);
    try {
      if (values['apply-saved']) {
        const record = readPromotionRecord(stackDir);
        if (!record || !fs.existsSync(path.join(stackDir, PROMOTE_PLAN))) throw promotePlanMissing(path.relative(PROJECT_ROOT, path.join(stackDir, PROMOTE_PLAN)));
        const tf = terraform();
        const init = await tf.run(['init', '-input=false', '-lockfile=readonly']);
        if (init.code !== 0) throw terraformFailed('init', init.code);
        await moveLive(record.from, record.to, () => promote({ terraform: tf, lambda, functionName, to: record.to, savedPlan: PROMOTE_PLAN, say }));
        if (values['json']) writeJson(out, { stack: environment.stackName, function: functionName, from: record.from ?? null, to: record.to, changed: true });
        return 0;
      }
      const to = values['to'] as string | undefined;
      if (to === undefined || !/^\d+$/.test(to)) throw usage(`Name the version to make live with --to <version number>${to === undefined ? '' : `, not "${to}"`}.`, 'promote');
      const versions = await publishedVersions(lambda, functionName);
      if (!versions.includes(to)) throw versionNotRetained(functionName, to, versions);
      const live = await currentLiveVersion(lambda, functionName);
      const result = { stack: environment.stackName, function: functionName, from: live ?? null, to, dryRun: Boolean(values['dry-run']) };
      if (live === to) {
        err.line(`live already points to version ${to}; nothing to do.`);
        if (values['json']) writeJson(out, { ...result, changed: false });
        return 0;
      }
      err.line(`live: version ${live ?? '(none)'} → version ${to} on ${functionName}`);
      if (values['dry-run']) {
        err.line('Dry run: nothing changed. Without --dry-run the version is probed, then one Terraform apply moves only the alias.');
        if (values['json']) writeJson(out, { ...result, changed: false });
        return 0;
      }
      // Synthesised from the build on disk, never rebuilt: the plan is refused if it would change more than the alias.
      if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) await synthesiseStacks(config, resolveBuildDir(undefined, env), env, err);
      const tf = terraform();
      const init = await tf.run(['init', '-input=false']);
      if (init.code !== 0) throw terraformFailed('init', init.code);
      if (values['plan-only']) {
        try {
          await planPromotion(tf, stackDir, { functionName, ...(live !== undefined ? { from: live } : {}), to }, PLAN_JSON);
        } catch (error) {
          if (error instanceof PhaseFailed) throw promoteFailed(live, error.message);
          throw error;
        }
        const note = `This plan moves live of ${environment.stackName} from version ${live ?? '(none)'} to version ${to} and changes nothing else; the approved job probes version ${to} first and refuses it if it does not answer.`;
        appendJobSummary(env, `> ${note}\n`);
        err.line(note);
        if (values['json']) writeJson(out, { ...result, planned: path.relative(PROJECT_ROOT, path.join(stackDir, PROMOTE_PLAN)) });
        return 0;
      }
      await moveLive(live, to, () => promote({ terraform: tf, lambda, functionName, to, say }));
      if (values['json']) writeJson(out, { ...result, changed: true });
      return 0;
    } finally {
      lambda.destroy();
    }

    async function moveLive(from: string | undefined, to: string, move: () => Promise<unknown>): Promise<void> {
      try {
        await move();
      } catch (error) {
        if (error instanceof PromotionRefused) throw promoteRefused(from, error.message, error.probe.filter((result) => !result.ok));
        if (error instanceof PhaseFailed) throw promoteFailed(from, error.message);
        throw error;
      }
      err.line(err.green(`live now points to version ${to}.`));
      appendJobSummary(env, `live of ${environment.stackName} now points to version ${to} (it answered the probe).\n`);
    }
  },
};
