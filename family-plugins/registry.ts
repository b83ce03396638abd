import { familyRegistry } from '../families/registry';
import { nodejsPlugin } from './nodejs';
import { FamilyPlugin, PluginRegistry } from './plugin';
import { pythonPlugin } from './python';

/**
 * Every runtime family this project builds and runs, assembled once. The entry points (the CLI's commands and use
 * cases, main.ts, the bench) hand it down; nothing below them imports it.
 */
export const PLUGINS: PluginRegistry = familyRegistry<FamilyPlugin<any>>([nodejsPlugin, pythonPlugin]); // eslint-disable-line @typescript-eslint/no-explicit-any -- each plug-in reads its own kind of layer source
