import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigSources, loadConfig } from './load-config';
import { ProjectConfig, FamilyId } from './environments';
import { FamilyRegistry } from '../families/registry';
import { cdktfJsonInvalid, contextEnvInvalid } from './errors';

/**
 * The cdktf context as the app will see it: CDKTF_CONTEXT_JSON when the cdktf CLI
 * runs the app, otherwise the "context" of cdktf.json, so that `npm run build`,
 * `node --import tsx main.ts` and `cdktf synth` all resolve the same configuration.
 */
export function readContext(projectRoot: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const fromCli = env['CDKTF_CONTEXT_JSON'];
  if (fromCli) {
    try {
      return JSON.parse(fromCli) as Record<string, unknown>;
    } catch (error) {
      throw contextEnvInvalid(error);
    }
  }
  const file = path.join(projectRoot, 'cdktf.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as { context?: Record<string, unknown> };
    return parsed.context ?? {};
  } catch (error) {
    throw cdktfJsonInvalid(error);
  }
}

/** The runtime families a layer folder holds packages for: the ones whose package file (package.json, requirements.txt) it has. */
export function familiesIn(families: FamilyRegistry, layerDir: string): FamilyId[] {
  return families.families.filter((family) => fs.existsSync(path.join(layerDir, family.packageFile))).map((family) => family.id);
}

/** Folders under layers/, sorted, each with the runtime families it holds packages for. */
export function listLayerFolders(families: FamilyRegistry, projectRoot: string): Record<string, FamilyId[]> {
  const layersDir = path.join(projectRoot, 'layers');
  const folders: Record<string, FamilyId[]> = {};
  if (!fs.existsSync(layersDir)) return folders;
  const names = fs
    .readdirSync(layersDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    folders[name] = familiesIn(families, path.join(layersDir, name));
  }
  return folders;
}

export function gatherConfigSources(families: FamilyRegistry, projectRoot: string, env: NodeJS.ProcessEnv): ConfigSources {
  return { context: readContext(projectRoot, env), env, families, availableLayers: listLayerFolders(families, projectRoot) };
}

/** Reads and validates the configuration; throws a UserError listing every problem. */
export function loadProjectConfig(families: FamilyRegistry, projectRoot: string, env: NodeJS.ProcessEnv = process.env): ProjectConfig {
  return loadConfig(gatherConfigSources(families, projectRoot, env));
}
