import { listLayerFolders } from '../../config/config-sources';
import { ProjectConfig } from '../../config/environments';
import { loadConfig } from '../../config/load-config';
import { PLUGINS } from '../../family-plugins/registry';

/** The configuration of a project folder from a cdktf context given here (no environment variables), with the shipped families. */
export function configFor(root: string, context: Readonly<Record<string, unknown>>): ProjectConfig {
  return loadConfig({ families: PLUGINS, context, env: {}, availableLayers: listLayerFolders(PLUGINS, root) });
}
