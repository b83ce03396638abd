import { spawn } from 'node:child_process';
import { terraformNotFound } from './errors';

/**
 * Terraform in a synthesised stack folder, for the rollout's phases: what it prints
 * goes to the terminal (or the CI log) as it comes, and is kept for the messages.
 * TERRAFORM names the binary (default `terraform` on PATH).
 */
export interface TerraformRun {
  readonly code: number;
  /** stdout and stderr, the last 256 KiB. */
  readonly output: string;
  /** stdout alone, for -json commands. */
  readonly stdout: string;
}

export interface Terraform {
  run(args: readonly string[], options?: { readonly quiet?: boolean }): Promise<TerraformRun>;
}

export function terraformIn(stackDir: string, env: NodeJS.ProcessEnv, echo: (chunk: string) => void): Terraform {
  const binary = env['TERRAFORM'] || 'terraform';
  return {
    run(args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(binary, [`-chdir=${stackDir}`, ...args], { env: { ...env, TF_IN_AUTOMATION: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        let stdout = '';
        const keep = (chunk: Buffer, isStdout: boolean): void => {
          const text = chunk.toString('utf8');
          output = (output + text).slice(-262144);
          if (isStdout) stdout += text;
          if (!options.quiet) echo(text);
        };
        child.stdout.on('data', (chunk: Buffer) => keep(chunk, true));
        child.stderr.on('data', (chunk: Buffer) => keep(chunk, false));
        child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? terraformNotFound(binary) : error));
        child.on('close', (code) => resolve({ code: code ?? 1, output, stdout }));
      });
    },
  };
}

/** Terraform's own words when a saved plan no longer fits the state. */
export function isStalePlan(output: string): boolean {
  return /Saved plan is stale/.test(output);
}

/** The resource changes of a plan in Terraform's JSON form, other than reads and no-ops, by address. */
export function changedAddresses(plan: {
  resource_changes?: { address: string; type: string; change: { actions: string[] } }[];
}): { address: string; type: string; actions: string[] }[] {
  return (plan.resource_changes ?? [])
    .filter((change) => !change.change.actions.every((action) => action === 'no-op' || action === 'read'))
    .map((change) => ({ address: change.address, type: change.type, actions: change.change.actions }));
}
