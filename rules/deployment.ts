import { FamilyDefinition } from '../families/family';
import { FamilyRegistry } from '../families/registry';
import { BundleArtifact, InstalledPackage, LayerArtifact, NativeObject } from '../artifacts/manifest';
import { Architecture, EnvironmentConfig } from '../config/environments';
import { ManagedLayer } from '../config/managed-layers';

/** What a runtime family adds to the native-code rule; the ELF checks hold for every family. */
export interface FamilyNativeCode {
  /** Whether the runtime would load a shared object at this path at all (Node.js loads only its own platform's prebuilds). */
  loads?(path: string, architecture: Architecture): boolean;
  /** Libraries of the runtime's own installation, said as a warning like the OS's likely ones (libpython). */
  runtimeLibraries?(runtime: string): readonly string[];
  /** What else is wrong with an ELF object for this family (an extension module named for another CPython). */
  objectProblems?(object: NativeObject, env: EnvironmentConfig): string[];
  /** The check of each package's own platform claim (a wheel's tags), prepared once per environment. */
  packageCheck?(env: EnvironmentConfig): (pkg: InstalledPackage, objects: readonly NativeObject[]) => { errors: string[]; warnings: string[] };
  /** How to install a package (undefined: the one holding the object) for the function's platform, in the family installer's words. */
  fix(pkg: string | undefined, layer: string | undefined, env: EnvironmentConfig): string;
}

/** A distribution in an attached layer whose declared dependency nothing attached provides. */
export interface DependencyGap {
  readonly layer: string;
  readonly distribution: string;
  readonly version: string;
  /** The Requires-Dist line. */
  readonly requirement: string;
  readonly missing: string;
}

/** A declared dependency that is there, at a version its specifier does not allow. */
export interface DependencyConflict extends DependencyGap {
  readonly found: string;
  readonly foundIn: string;
}

/** What the layers' declared dependencies leave open: gaps (nothing provides one) and conflicts (a version it does not allow). */
export interface DependencyCheck {
  readonly gaps: readonly DependencyGap[];
  readonly conflicts: readonly DependencyConflict[];
  /** Distributions whose declared dependencies were checked. */
  readonly distributionsChecked: number;
}

/** A family as the rules see it: what it is, what it adds to the native-code rule, and how its packages' declared dependencies are checked. */
export type RuleFamily = FamilyDefinition & {
  readonly nativeCode?: FamilyNativeCode;
  /** Whether every declared dependency of the attached layers' packages is provided (Python's Requires-Dist); none when absent. */
  dependencyCheck?(deployment: FunctionDeployment): DependencyCheck;
};

/** What one environment deploys: the input of every rule. */
export interface FunctionDeployment {
  readonly env: EnvironmentConfig;
  /** The runtime's family, from the registry the entry point handed down: what the runtime ships, how its layers satisfy imports. */
  readonly family: RuleFamily;
  /** Every family the entry point knows, for what the deployment holds of another family (a layer built for it). */
  readonly families: FamilyRegistry<RuleFamily>;
  /** Built layers, in attachment order. */
  readonly layers: readonly LayerArtifact[];
  readonly managed: readonly ManagedLayer[];
  readonly bundle: BundleArtifact;
}

export interface Finding {
  readonly rule: string;
  /** Errors stop build and synth; warnings are printed. */
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** What Lambda does with a deployment a rule finds an error in: refuse it outright, or take it and fail when it runs. */
export type LambdaOutcome =
  'refuses the deployment' | 'accepts it, then fails every invocation' | 'accepts it, and the later layer overwrites the earlier file by file';

/** A deployment rule, declared once with what it is: its id (every finding of it carries it), how bad it gets, and what Lambda would do. */
export interface Rule {
  readonly id: string;
  /** The worst its findings get: an error stops build, synth and the local run; a warning is printed and deploys. */
  readonly severity: 'error' | 'warning';
  readonly lambda: LambdaOutcome;
  readonly check: (deployment: FunctionDeployment) => Finding[];
}
