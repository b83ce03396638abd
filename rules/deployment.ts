import { BundleArtifact, LayerArtifact } from '../artifacts/manifest';
import { EnvironmentConfig } from '../config/environments';
import { ManagedLayer } from '../config/managed-layers';

/** What one environment deploys: the input of every rule. */
export interface FunctionDeployment {
  readonly env: EnvironmentConfig;
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
