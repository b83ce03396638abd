import { BuildReport, runBuild } from '../builder/build';
import { Progress } from '../project/progress';
import { ProjectContext } from './context';

/** `npm run build` and the build step of synth, start, deploy and plan: the project's layers and bundles, from what the context has read. */
export function buildProject(
  project: ProjectContext,
  options: { readonly buildDir: string; readonly progress: Progress; readonly onlyUsed?: boolean; readonly skipChecks?: boolean },
): Promise<BuildReport> {
  return runBuild({
    families: project.families,
    projectRoot: project.root,
    toolHome: project.home,
    config: project.config(),
    sources: project.layerSources(),
    env: project.env,
    buildDir: options.buildDir,
    progress: options.progress,
    onlyUsed: Boolean(options.onlyUsed),
    skipChecks: Boolean(options.skipChecks),
  });
}
