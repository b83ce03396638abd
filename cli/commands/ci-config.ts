import { gatherConfigSources } from '../../config/config-sources';
import { githubOutputLines, loadCiConfig } from '../../config/ci-config';
import { loadConfig } from '../../config/load-config';
import { PROJECT_ROOT } from '../../project/paths';
import { Command, writeJson } from '../command';

export const ciConfigCommand: Command = {
  name: 'ci:config',
  summary: 'Print the settings the workflows need (region, state bucket, role ARNs) from cdktf.json',
  usage: 'npm run --silent ci:config -- [--github-output | --json]',
  help: `Reads the "ci" context of cdktf.json (the bootstrap's role ARNs) and the project
configuration (region, state bucket, with AWS_REGION and STATE_BUCKET honoured), and
prints them for the workflows. Fails, saying what to add, when they are missing.

Options:
  --github-output  print name=value lines to append to $GITHUB_OUTPUT
  --json           print them as JSON
  --no-color       no colour (NO_COLOR is honoured too)
  -h, --help       this help`,
  options: { 'github-output': { type: 'boolean' }, json: { type: 'boolean' } },
  async run(values, _positionals, { env, out }) {
    const sources = gatherConfigSources(PROJECT_ROOT, env);
    const ci = loadCiConfig(sources, loadConfig(sources));
    if (values['json']) writeJson(out, ci);
    else out.write(`${githubOutputLines(ci)}\n`);
    return 0;
  },
};
