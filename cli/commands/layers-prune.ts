import { deleteLayerVersion, layerConsumers, listLayerVersions } from '../../aws/lambda';
import { planPrune, stackLayerNames } from '../../history/prune-plan';
import { argumentMissing } from '../../project/errors';
import { Command, writeJson } from '../command';
import { loadStackHistory } from '../../use-cases/stacks';
import { textOf } from '../../project/text';

export const layersPruneCommand: Command = {
  usage: 'npm run layers:prune -- <stack> --keep <n> [--apply] [--json]',
  help: `Deployments keep every layer version they replace (skip_destroy), so each stays a
way back. This lists the versions of the stack's layers that are beyond the newest
<n>, used by no function version in the region (any function, not only this stack's,
and every published version, which promote may move live back to), and referenced by
no retained state version; only those may be deleted, and only with --apply. Every
version that stays says why. A retained state version that cannot be read stops the
prune, naming its version id: a layer version only it references would look unused.`,
  options: {
    keep: { type: 'string', value: '<n>', describe: "how many of each layer's newest versions to keep regardless (required)" },
    apply: { type: 'boolean', describe: 'delete the listed versions (without it, a dry run)' },
    json: { type: 'boolean', describe: 'print the decisions as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const keepRaw = values['keep'];
    if (keepRaw === undefined || !/^\d+$/.test(textOf(keepRaw)))
      throw argumentMissing('Say', 'how many versions to keep with --keep <n> (a whole number)', 'layers:prune');
    const { env: environment, clients, history, unreadable } = await loadStackHistory(project, positionals[0], 'layers:prune');
    const names = stackLayerNames(history);
    const versions = (await Promise.all(names.map((name) => listLayerVersions(clients, name)))).flat();
    const decisions = planPrune({
      versions,
      consumers: await layerConsumers(clients),
      history,
      unreadable,
      stateLocation: `s3://${environment.stateBucket}/${environment.stateKey}`,
      keep: Number(keepRaw),
    });
    const doomed = decisions.filter((decision) => decision.action === 'delete');
    for (const decision of decisions) {
      const mark = decision.action === 'delete' ? err.red(values['apply'] ? 'delete' : 'would delete') : err.green('keep');
      err.line(`  ${mark} ${decision.layerName}:${decision.version}${decision.reasons.length ? `  (${decision.reasons.join('; ')})` : ''}`);
    }
    if (values['apply']) {
      for (const decision of doomed) await deleteLayerVersion(clients, decision);
      err.line(`Deleted ${doomed.length} layer version(s).`);
    } else {
      err.line(`Dry run: ${doomed.length} layer version(s) would be deleted. Add --apply to delete them.`);
    }
    if (values['json']) writeJson(out, { stack: environment.stackName, applied: Boolean(values['apply']), decisions });
    return 0;
  },
};
