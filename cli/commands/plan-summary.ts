import { renderPlanSummary } from '../../review/plan-summary';
import { argumentMissing, optionNamesOne } from '../../project/errors';
import { reviewPlanFile, stackOfPlanFile } from '../../use-cases/review-plan';
import { Command, writeJson } from '../command';

export const planSummaryCommand: Command = {
  usage: 'npm run plan:summary -- <plan.json>... [--stack <name>] [--build-dir <dir>] [--json]',
  help: `Reads plans in Terraform's JSON format (terraform show -json plan.tfplan > plan.json)
and prints Markdown for a pull request comment: per stack, how many resources are
added, changed, replaced and destroyed; destructive changes to tables, buckets, roles
and log groups first, with package removals and downgrades and imports nothing
provides; for each layer that gets a new version, the packages added, removed,
upgraded and downgraded (transitive ones too) and the unzipped size before and after;
for each function it touches, every import and what provides it; "No changes" when
there are none.

The new layer's packages come from this build's manifest; the deployed one's from the
manifest each deploy stores in the artifact bucket under its content hash (read with
the AWS SDK's usual settings); where there is none, from the direct packages the two
versions' descriptions name, and the summary says the list is partial.

For a Python function, the locked versions of its layers are looked up for known
advisories as \`npm run layers:audit\` does (LAYERS_AUDIT_SERVICE, LAYERS_AUDIT_OSV_URL); one
a layer does not accept is in the caution box, and a lookup that could not run is said.`,
  options: {
    stack: { type: 'string', value: '<name>', describe: 'the stack of a single plan (default: the folder the plan is in)' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'the build whose manifest and imports to use (default .build, or BUILD_DIR)' },
    'skip-audit': { type: 'boolean', describe: 'do not look up known advisories for the Python layers (the summary says so)' },
    json: { type: 'boolean', describe: 'print the summaries as JSON instead' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, out }) {
    if (positionals.length === 0) throw argumentMissing('Name', 'at least one plan JSON file', 'plan:summary');
    if (values['stack'] && positionals.length > 1) throw optionNamesOne('--stack', 'plan', 'file', 'plan:summary');
    const results = [];
    for (const file of positionals) {
      results.push(
        await reviewPlanFile(project, file, stackOfPlanFile(file, values['stack'] as string | undefined), values['build-dir'] as string | undefined, {
          skipAudit: Boolean(values['skip-audit']),
        }),
      );
    }
    if (values['json']) writeJson(out, results);
    else out.write(results.map(({ stack, summary }) => renderPlanSummary(stack, summary)).join('\n'));
    return 0;
  },
};
