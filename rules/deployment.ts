import { BundleArtifact, LayerArtifact } from '../artifacts/manifest';
import { EnvironmentConfig } from '../config/environments';
import { ManagedLayer } from '../config/managed-layers';

/** Lambda's numbers (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const LAMBDA_LIMITS = {
  layersPerFunction: 5,
  /** Function code plus all layers, unzipped. */
  unzippedBytes: 262_144_000,
  /** A zip uploaded with the API call itself; larger ones go through S3. */
  directUploadBytes: 52_428_800,
} as const;

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

export type Rule = (deployment: FunctionDeployment) => Finding[];

