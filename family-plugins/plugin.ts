import type { FamilyBuilder, ReadSourceOptions } from '../builder/family-builders';
import { LayerSource } from '../builder/layer-sources';
import type { EnvironmentConfig, ProjectConfig } from '../config/environments';
import type { FamilyRegistry } from '../families/registry';
import type { FamilyProcess } from '../local-lambda/local-api';
import type { QueueServer } from '../local-lambda/local-queue';
import type { LayerImportChecker } from '../local-lambda/layer-import-check';
import type { CommandEntry } from '../project/command';
import type { AdvisoryFinding } from '../review/advisories';
import type { RuleFamily } from '../rules/deployment';

/**
 * A runtime family as one plug-in, in one folder of family-plugins/: what it is (its definition: runtimes, package
 * file, what the runtime ships, how its versions order, the platform under each runtime), how it builds (the builder's
 * interface), how its function runs on this machine (the local run's), and what only it has: its commands, its error
 * codes, its advisory lookup. A new family is a folder here and one line in registry.ts.
 */
export type FamilyPlugin<S extends LayerSource = LayerSource> = RuleFamily &
  FamilyBuilder<S> & {
    readonly localProcess: FamilyProcess;
    readonly checkLayerImports: LayerImportChecker;
    /** Commands only this family has (`npm run layers:lock` for Python), listed by the CLI's --help when the family is registered. */
    readonly commands: readonly CommandEntry<PluginProject>[];
    /** The codes of the errors this family's code makes (its errors.ts), assembled with every folder's (cli/error-codes.ts). */
    readonly errorCodes: readonly string[];
    /**
     * Known advisories for the versions an environment's layers of this family are locked to, for the plan's review: the
     * ones no layer accepts, by package URL, and what could not be looked up. Absent when the family has no advisory source.
     */
    readonly advisories?: (project: PluginProject, environment: EnvironmentConfig, buildDir: string) => Promise<FamilyAdvisories>;
    /**
     * An SQS-compatible server this family's toolchain runs on this machine, for a local run whose functions use a queue
     * (Python's: moto's server). Absent when the family's toolchain has none.
     */
    readonly queueServer?: (project: Pick<PluginProject, 'home' | 'env'>, progress?: (line: string) => void) => Promise<QueueServer>;
  };

/** What a family's advisory lookup found for an environment. */
export interface FamilyAdvisories {
  /** The findings no layer accepts, by package URL with version (`pkg:pypi/name@1.0`). */
  readonly open: ReadonlyMap<string, readonly AdvisoryFinding[]>;
  /** What was looked up where, and what could not be. */
  readonly notes: readonly string[];
}

/** The runtime families of a run, as plug-ins: what the entry points assemble once and hand down. */
export type PluginRegistry = FamilyRegistry<FamilyPlugin<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each plug-in reads its own kind of layer source

/**
 * The project as a family's commands and hooks see it: the part of the context the entry point made that they use.
 * (use-cases/context.ts ProjectContext is one.)
 */
export interface PluginProject {
  /** The project's folder. */
  readonly root: string;
  /** Where this tool's own files are: a family's toolchain, its runtime client. */
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly families: PluginRegistry;
  config(): ProjectConfig;
  layerSources(): readonly LayerSource[];
  /** The layer folders' sources read again with other options (a relock reads locks that cannot be read). */
  readLayerSources(options: ReadSourceOptions): readonly LayerSource[];
  buildDir(option?: string): string;
}
