import { LayerArtifact } from '../artifacts/manifest';
import { FamilyDefinition } from '../families/family';
import { FamilyRegistry } from '../families/registry';
import { BundleTarget, LayerTarget } from './build-plan';
import { BundledCode } from './function-bundle';
import { LayerBuildOptions, LayerBuildResult } from './layer-build';
import { LayerSource } from './layer-sources';

/**
 * How a runtime family builds: reads a layer folder's sources, builds a layer tree, builds the function's task root
 * and reads its imports, and says what a built layer leaves open. The build asks the family's builder, never
 * branches on the family itself. Each family's builder is in family-plugins/<family>/, with the source type it
 * reads (a Python layer's locks); the entry points hand the build a registry of them.
 */
/** How layer folders are read. */
export interface ReadSourceOptions {
  /** The caller is about to write the folders' locks again: a lock that cannot be read is left out, not refused (it is what the caller mends). */
  readonly relocking?: boolean;
}

export interface FamilyBuilder<S extends LayerSource = LayerSource> {
  /** One layer folder's sources of this family: the files that decide what gets installed. */
  readSource(dir: string, folder: string, name: string, options?: ReadSourceOptions): Omit<S, 'options'>;
  /** The files a build of `target` reads from the source, for its input hash (a Python layer: that target's lock too). */
  inputFiles(source: S, target: LayerTarget): ReadonlyMap<string, Buffer>;
  /** Builds one layer tree of this family, or reuses it when nothing it was built from changed. */
  buildLayer(target: LayerTarget, source: S, options: LayerBuildOptions): Promise<LayerBuildResult>;
  /**
   * Every project file the function's code in `target` would be made of, found without building it (a Python package's
   * modules), and what identifies the tool that reads its imports (a hash of the reader). A family that has it lets the build reuse a bundle none of whose files changed; one that follows imports
   * from an entry point (a bundler, where a dependency's version also counts) has none, and bundles every time.
   */
  functionInputs?(projectRoot: string, target: BundleTarget, toolHome: string): { readonly files: readonly string[]; readonly reader: string };
  /** The function's code in its task root (`staging`), with every import it makes as read. */
  functionCode(projectRoot: string, staging: string, target: BundleTarget, env: NodeJS.ProcessEnv, toolHome: string): Promise<BundledCode>;
  /** What the build says about a built layer besides the rules, e.g. the packages of an unlocked layer that float. */
  buildWarnings(target: LayerTarget, source: S, artifact: LayerArtifact): string[];
}

/** A family as the build sees it: what it is, and how it builds. */
export type BuildableFamily = FamilyDefinition & FamilyBuilder<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each family's builder reads its own source type; the build hands back what it read

/** The families the build knows, handed down by the entry point that assembled them (family-plugins/registry.ts). */
export type BuildFamilies = FamilyRegistry<BuildableFamily>;
