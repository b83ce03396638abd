import { Command, writeJson } from '../command';
import { environmentLedger } from '../../use-cases/ledger';
import { ledgerLines } from '../../ledger/ledger-text';
import { adviceFor, failuresText } from '../../ledger/errors';

export const layersConsumersCommand: Command = {
  usage: 'npm run layers:consumers -- <stack> [--json] [--environment-only]',
  help: `Which function versions and aliases run each version of the environment's layers, and
what each version holds: the ledger. Lambda has no call that lists a layer version's
users, so it is read from every version of each of the environment's functions (their
configurations), their aliases (with canary weights), every function of the region
(another function may attach a layer by hand), and the state history (each retained
deployment is a way back, and a rollback attaches its versions again). Each version
shows its content hash, its packages (from the manifest the deploy stored), its size and
its status: SERVING (an alias sends requests to it), attached (a function version has
it), retained (only a rollback would need it), or free. Every page of every list is
read; when one fails part way the ledger says which, calls nothing free, and the
command exits 1.`,
  options: {
    json: { type: 'boolean', describe: 'print the ledger as JSON on stdout' },
    'environment-only': {
      type: 'boolean',
      describe: "read only the environment's functions, not the region's (for a caller without lambda:ListFunctions)",
    },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const run = await environmentLedger(project, positionals[0], 'layers:consumers', {
      regionWide: !values['environment-only'],
      progress: (line) => err.line(line),
    });
    const { environment, ledger, unreadable, notes } = run;
    for (const version of unreadable) {
      err.warn(`state version ${version.versionId} could not be read (${version.reason}); a layer version only it needs is not shown as needed.`);
    }
    for (const note of notes) err.warn(note);
    if (values['json']) {
      writeJson(out, { stack: environment.stackName, complete: ledger.incomplete.length === 0 && unreadable.length === 0, ...ledger, unreadable });
    } else {
      out.write(`${ledgerLines(environment.stackName, ledger).join('\n')}\n`);
    }
    if (ledger.incomplete.length) {
      err.line(
        err.red(`The ledger of ${environment.stackName} is incomplete: ${failuresText(ledger.incomplete)}. To read it whole: ${adviceFor(ledger.incomplete)}.`),
      );
      return 1;
    }
    return 0;
  },
};
