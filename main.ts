import { isUserError } from './project/errors';
import { PROJECT_ROOT } from './project/paths';
import { PLUGINS } from './family-plugins/registry';
import { projectContext } from './use-cases/context';
import { synthesiseApp } from './use-cases/synth';

/**
 * The cdktf app, as `cdktf synth` (and `node --import tsx main.ts`) runs it: one stack per environment, from the
 * configuration and the build manifest, and the bootstrap stack. An entry point: it makes the project's context and
 * hands it to the synthesis the CLI runs too (use-cases/synth.ts).
 */
const project = projectContext(PROJECT_ROOT, process.env, PLUGINS);
try {
  synthesiseApp(project, { buildDir: project.buildDir(), say: (line) => process.stderr.write(`${line}\n`) });
} catch (error) {
  if (!isUserError(error)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}
