import { renderPlanSummary } from '../../review/plan-summary';
import { planStack } from '../../use-cases/plan';
import { environmentForStack } from '../../use-cases/stacks';
import { Command, writeJson } from '../command';

export const planCommand: Command = {
  usage: 'npm run plan -- <stack> [--skip-build] [--json]',
  help: `What the plan workflow shows on a pull request, on your terminal: builds and synthesises
(unless --skip-build), runs terraform init and plan in cdktf.out/stacks/<stack> the way a
deploy's first phase does (the alias live held where it is, no state lock), and prints
the summary: the package changes inside each new layer version (and, for a Python
function, known advisories of their locked versions), every import of the function and
what provides it, destructive changes first. Changes nothing.

Needs AWS credentials that can read the stack's state (and the artifact bucket, for the
deployed layers' manifests), and Terraform 1.11 (TERRAFORM names another binary).`,
  options: {
    'skip-build': { type: 'boolean', describe: 'plan cdktf.out as it is' },
    'skip-audit': { type: 'boolean', describe: 'do not look up known advisories for the Python layers (the summary says so)' },
    json: { type: 'boolean', describe: 'print the data behind the summary as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const config = project.config();
    const environment = environmentForStack(config, positionals[0], 'plan');
    const review = await planStack({
      project,
      environment,
      report: err,
      skipBuild: Boolean(values['skip-build']),
      skipAudit: Boolean(values['skip-audit']),
    });
    if (values['json']) writeJson(out, review);
    else out.write(renderPlanSummary(review.stack, review.summary));
    return 0;
  },
};
