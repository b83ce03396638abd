import type { FamilyBuilder } from '../builder/family-builders';
import { LayerSource } from '../builder/layer-sources';
import type { FamilyRegistry } from '../families/registry';
import type { FamilyProcess } from '../local-lambda/local-api';
import type { LayerImportChecker } from '../local-lambda/layer-import-check';
import type { RuleFamily } from '../rules/deployment';

/**
 * A runtime family as one plug-in: what it is (its definition, from families/), how it builds (the builder's
 * interface) and how its function runs on this machine (the local run's). A new family is a folder here with one
 * of these, and one line in registry.ts.
 */
export type FamilyPlugin<S extends LayerSource = LayerSource> = RuleFamily &
  FamilyBuilder<S> & {
    readonly localProcess: FamilyProcess;
    readonly checkLayerImports: LayerImportChecker;
  };

/** The runtime families of a run, as plug-ins: what the entry points assemble once and hand down. */
export type PluginRegistry = FamilyRegistry<FamilyPlugin<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each plug-in reads its own kind of layer source
