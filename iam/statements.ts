/**
 * IAM policy statements as plain data: what the CI and function roles are granted (ci-permissions.ts), what
 * Terraform writes from them (the constructs), and what the evaluation and the chain analysis read.
 */
export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid: string;
  /** @default "Allow" */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** What it applies to; with `notResources`, everything but those (then `resources` is empty). */
  readonly resources: readonly string[];
  readonly notResources?: readonly string[];
  readonly conditions?: readonly Condition[];
}
