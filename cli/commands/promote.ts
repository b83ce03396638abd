import { argumentMissing, optionsExclusive } from '../../project/errors';
import { PROMOTE_PLAN, PROMOTE_RECORD } from '../../rollout/promote';
import { PLAN_JSON } from '../../use-cases/deploy';
import { promoteStack } from '../../use-cases/promote';
import { environmentForStack } from '../../use-cases/stacks';
import { Command, writeJson } from '../command';

export const promoteCommand: Command = {
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
    'plan-only': { type: 'boolean', describe: "plan the move and stop (CI's plan job)" },
    'apply-saved': { type: 'boolean', describe: "probe the version, then apply the saved plan (CI's approved job)" },
    json: { type: 'boolean', describe: 'print the result as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const config = project.config();
    const environment = environmentForStack(config, positionals[0], 'promote');
    const modes = (['dry-run', 'plan-only', 'apply-saved'] as const).filter((mode) => values[mode]);
    if (modes.length > 1)
      throw optionsExclusive(
        modes.map((mode) => `--${mode}`),
        'promote',
      );
    const mode = modes[0] ?? 'move';
    const to = values['to'] as string | undefined;
    if (mode !== 'apply-saved' && (to === undefined || !/^\d+$/.test(to))) {
      throw argumentMissing('Name', 'the version to make live with --to <version number>', 'promote', to);
    }
    const result = await promoteStack({ project, environment, report: err, mode, ...(to !== undefined ? { to } : {}) });
    if (values['json']) writeJson(out, result);
    return 0;
  },
};
