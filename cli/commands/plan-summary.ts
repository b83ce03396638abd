import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlan, renderPlanSummary, summarisePlan } from '../../review/plan-summary';
import { UserError, usage } from '../../project/errors';
import { Command, writeJson } from '../command';

/** The stack a plan belongs to: --stack, else the folder it sits in (cdktf.out/stacks/<stack>/plan.json). */
export function stackOfPlanFile(file: string, explicit?: string): string {
  if (explicit) return explicit;
  const folder = path.basename(path.dirname(path.resolve(file)));
  return folder && folder !== '.' ? folder : path.basename(file, '.json');
}

export const planSummaryCommand: Command = {
  name: 'plan:summary',
  summary: 'Summarise Terraform JSON plans as Markdown: layers, functions, destructive changes',
  usage: 'npm run plan:summary -- <plan.json>... [--stack <name>] [--json]',
  help: `Reads plans in Terraform's JSON format (terraform show -json plan.tfplan > plan.json)
and prints Markdown for a pull request comment: per stack, how many resources are
added, changed, replaced and destroyed; destructive changes to tables, buckets,
roles and log groups first; which layers get a new version, with the content hash
before and after; which functions change layers or code; "No changes" when there
are none. Values Terraform knows only after apply are shown as such.

Options:
  --stack <name>  title for a single plan (default: the folder the plan is in)
  --json          print the summaries as JSON instead
  --no-color      no colour (NO_COLOR is honoured too)
  -h, --help      this help`,
  options: { stack: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals, { out }) {
    if (positionals.length === 0) throw usage('Name at least one plan JSON file.', 'plan:summary');
    if (values['stack'] && positionals.length > 1) throw usage('--stack names one plan; give one file with it.', 'plan:summary');
    const results = positionals.map((file) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        throw new UserError('PLAN_MISSING', `Cannot read ${file}. Make it with \`terraform show -json plan.tfplan > ${file}\`.`);
      }
      const stack = stackOfPlanFile(file, values['stack'] as string | undefined);
      return { stack, summary: summarisePlan(parsePlan(text, file)) };
    });
    if (values['json']) writeJson(out, results);
    else out.write(results.map(({ stack, summary }) => renderPlanSummary(stack, summary)).join('\n'));
    return 0;
  },
};
