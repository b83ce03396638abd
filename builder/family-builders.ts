import { LayerArtifact } from '../artifacts/manifest';
import { RuntimeFamily } from '../families/registry';
import { BundleTarget, LayerTarget } from './build-plan';
import { BundledCode, bundleNode, copyPython } from './function-bundle';
import { LayerBuildOptions, LayerBuildResult } from './layer-build';
import { LayerSource, readNodeSource, readPythonSource } from './layer-sources';
import { buildNodeLayer } from './node-layer';
import { buildPythonLayer, floatingPackages, floatingWarning } from './python-layer';

/**
 * How each runtime family builds: reads a layer folder's sources, builds a layer tree, builds the function's task
 * root and reads its imports, and says what a built layer leaves open. The build asks here, never branches on the
 * family itself; a new family is a builder in this table (what the family is, its runtimes and versions, is
 * families/'s).
 */
export interface FamilyBuilder {
  readonly family: RuntimeFamily;
  /** One layer folder's sources of this family: the files that decide what gets installed. */
  readSource(dir: string, folder: string, name: string): Omit<LayerSource, 'options'>;
  /** Builds one layer tree of this family, or reuses it when nothing it was built from changed. */
  buildLayer(target: LayerTarget, source: LayerSource, options: LayerBuildOptions): Promise<LayerBuildResult>;
  /** The function's code in its task root (`staging`), with every import it makes as read. */
  functionCode(projectRoot: string, staging: string, target: BundleTarget, env: NodeJS.ProcessEnv): Promise<BundledCode>;
  /** What the build says about a built layer besides the rules, e.g. the packages of an unlocked layer that float. */
  buildWarnings(target: LayerTarget, source: LayerSource, artifact: LayerArtifact): string[];
}

// Each entry calls through (not a reference taken at load) because the modules it calls import this table too.
export const FAMILY_BUILDERS: Readonly<Record<RuntimeFamily, FamilyBuilder>> = {
  nodejs: {
    family: 'nodejs',
    readSource: (dir, folder, name) => ({ ...readNodeSource(dir, folder, name), requireHashes: false }),
    buildLayer: (target, source, options) => buildNodeLayer(target, source, options),
    functionCode: (projectRoot, staging, target) => bundleNode(projectRoot, staging, target),
    buildWarnings: () => [],
  },
  python: {
    family: 'python',
    readSource: (dir, folder, name) => readPythonSource(dir, folder, name),
    buildLayer: (target, source, options) => buildPythonLayer(target, source, options),
    functionCode: (projectRoot, staging, target, env) => copyPython(projectRoot, staging, target, env),
    buildWarnings: (target, source, artifact) => {
      const unpinned = floatingPackages(source, artifact.packages);
      return unpinned.length ? [floatingWarning(target.id, target.layer, unpinned, artifact.packages.length)] : [];
    },
  },
};

/** The builder of a family. */
export function builderFor(family: RuntimeFamily): FamilyBuilder {
  return FAMILY_BUILDERS[family];
}
