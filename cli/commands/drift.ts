import { Command, writeJson } from '../command';
import { environmentDrift } from '../../use-cases/drift';
import { driftLines, driftMarkdown } from '../../ledger/drift';
import { appendJobSummary } from '../../use-cases/job-summary';

export const driftCommand: Command = {
  usage: 'npm run drift -- <stack> [--json] [--report-only] [--build-dir <dir>]',
  help: `Does the environment run what the repository would deploy, package by package? For
each function, what its alias live runs (each version it routes to, with canary weights:
the code's SHA-256 and content hash, each layer version with its stored manifest and
SBOM) against this build (its bundles and layers, made from the locks; run npm run build
first) and against the retained deployments (the state history). Each difference is a
sentence: a package the lock moved ("layer dependencies runs fastapi 0.115.0, the lock
says 0.120.4"), code changed outside Terraform (a SHA-256 no deployment made), a layer
attached by hand, one missing or deleted. What could not be compared says why. Exits 1
on drift (unless --report-only); in GitHub Actions the report goes to the job summary.`,
  options: {
    json: { type: 'boolean', describe: 'print the report as JSON on stdout' },
    'report-only': { type: 'boolean', describe: 'exit 0 on drift too (before a deploy, where the repository is expected to differ)' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'the build to compare with (default .build, or BUILD_DIR)' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out, env }) {
    const { environment, report, notes } = await environmentDrift(project, positionals[0], {
      buildDir: project.buildDir(values['build-dir'] as string | undefined),
      progress: (line) => err.line(line),
    });
    for (const note of notes) err.warn(note);
    if (values['json']) writeJson(out, { stack: environment.stackName, ...report, notes });
    else out.write(`${driftLines(report).join('\n')}\n`);
    appendJobSummary(env, driftMarkdown(environment.stackName, report, notes));
    return report.drift && !values['report-only'] ? 1 : 0;
  },
};
