import { deleteLayerVersion } from '../../aws/lambda';
import { planPrune } from '../../ledger/prune';
import { argumentMissing } from '../../project/errors';
import { Command, writeJson } from '../command';
import { environmentLedger } from '../../use-cases/ledger';
import { textOf } from '../../project/text';

export const layersPruneCommand: Command = {
  usage: 'npm run layers:prune -- <stack> --keep <n> [--apply] [--json] [--environment-only]',
  help: `Deployments keep every layer version they replace (skip_destroy), so each stays a
way back. This reads the ledger (npm run layers:consumers) and lists the versions of
the environment's layers it calls free: no alias serves it, no version of any of the
environment's functions has it (a version promote may move live back to counts), no
function elsewhere in the region has it, and no retained deployment needs it for a
rollback. Only those beyond each layer's newest <n> may be deleted, and only with
--apply. Every version that stays says why. Nothing is decided while a list could not
be read to its end or a retained state version cannot be read: the command says which,
and stops.`,
  options: {
    keep: { type: 'string', value: '<n>', describe: "how many of each layer's newest versions to keep regardless (required)" },
    apply: { type: 'boolean', describe: 'delete the listed versions (without it, a dry run)' },
    json: { type: 'boolean', describe: 'print the decisions as JSON on stdout' },
    'environment-only': {
      type: 'boolean',
      describe: "read only the environment's functions, not the region's; a dry run only (deleting needs the region read)",
    },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const keepRaw = values['keep'];
    if (keepRaw === undefined || !/^\d+$/.test(textOf(keepRaw)))
      throw argumentMissing('Say', 'how many versions to keep with --keep <n> (a whole number)', 'layers:prune');
    const apply = Boolean(values['apply']);
    const { environment, clients, ledger, unreadable, notes } = await environmentLedger(project, positionals[0], 'layers:prune', {
      regionWide: !values['environment-only'],
      progress: (line) => err.line(line),
    });
    for (const note of notes) err.warn(note);
    const decisions = planPrune(ledger, {
      stack: environment.stackName,
      keep: Number(keepRaw),
      unreadable,
      stateLocation: `s3://${environment.stateBucket}/${environment.stateKey}`,
      apply,
    });
    const doomed = decisions.filter((decision) => decision.action === 'delete');
    for (const decision of decisions) {
      const mark = decision.action === 'delete' ? err.red(apply ? 'delete' : 'would delete') : err.green('keep');
      err.line(`  ${mark} ${decision.layerName}:${decision.version}${decision.reasons.length ? `  (${decision.reasons.join('; ')})` : ''}`);
    }
    if (apply) {
      for (const decision of doomed) await deleteLayerVersion(clients, decision);
      err.line(`Deleted ${doomed.length} layer version(s).`);
    } else {
      err.line(`Dry run: ${doomed.length} layer version(s) would be deleted. Add --apply to delete them.`);
      if (!ledger.regionRead) err.line("The region's other functions were not read (--environment-only); deleting needs them read.");
    }
    if (values['json']) writeJson(out, { stack: environment.stackName, applied: apply, decisions });
    return 0;
  },
};
