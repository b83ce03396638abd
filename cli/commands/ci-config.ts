import { deployBranchOf } from '../../config/bootstrap-config';
import { githubOutputLines, loadCiConfig } from '../../config/ci-config';
import { configInvalid, notDeployBranch } from '../../config/errors';
import { Command, writeJson } from '../command';
import { environmentForStack } from '../../use-cases/stacks';

export const ciConfigCommand: Command = {
  usage: 'npm run --silent ci:config -- [--stack <stack>] [--deploy-ref <ref>] [--github-output | --json]',
  help: `Reads the "ci" context of cdktf.json (the bootstrap's role ARNs: the plan role and
one deploy role per environment) and the project configuration (region, state bucket,
with AWS_REGION and STATE_BUCKET honoured), and prints them for the workflows. Fails,
saying what to add, when they are missing. With --deploy-ref, fails unless the ref is the
deploy branch (context "deployBranch", default main): the first step of every job that
deploys, rolls back or promotes.`,
  options: {
    stack: { type: 'string', value: '<stack>', describe: "also print that stack's environment and its deploy role (environment, deploy_role_arn)" },
    'github-output': { type: 'boolean', describe: 'print name=value lines to append to $GITHUB_OUTPUT' },
    json: { type: 'boolean', describe: 'print them as JSON' },
    'deploy-ref': { type: 'string', value: '<ref>', describe: 'refuse unless this ref (e.g. $GITHUB_REF) is refs/heads/<deploy branch>' },
  },
  run(values, _positionals, { project, out }) {
    const sources = project.configSources();
    const ref = values['deploy-ref'] as string | undefined;
    if (ref !== undefined) {
      const { branch, problem } = deployBranchOf(sources.context);
      if (problem) throw configInvalid([problem], 'The deploy branch is "deployBranch" in the "context" of cdktf.json.');
      if (ref !== `refs/heads/${branch}`) throw notDeployBranch(ref, branch);
    }
    const config = project.config();
    const ci = loadCiConfig(sources, config);
    const stack = values['stack'] as string | undefined;
    const environment = stack === undefined ? undefined : environmentForStack(config, stack, 'ci:config');
    if (values['json']) writeJson(out, { ...ci, ...(environment ? { deployRoleArn: ci.deployRoleArns[environment.name] } : {}) });
    else out.write(`${githubOutputLines(ci, environment)}\n`);
    return 0;
  },
};
