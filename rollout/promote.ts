import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { runProbe } from './lambda';
import { liveOn } from './plan';
import { ProbeResult } from './probe';
import { applyAliasOnly, applySavedPlan, planAliasOnly } from './run';
import { Terraform } from './terraform';

/**
 * Promotion: moving live to a version the function keeps. The version is probed first, as a deploy probes a new
 * one, so a version that does not answer (one whose deploy failed its probe, say) never takes traffic; then one
 * Terraform apply moves the alias and nothing else. In CI the move is planned by the plan job (no lock, the plan
 * role) and the reviewed plan applied unchanged by the environment's job, after the probe.
 */

/** The saved plan of a promotion, and what the apply job reads beside it. */
export const PROMOTE_PLAN = 'promote.tfplan';
export const PROMOTE_RECORD = 'promote.json';

export interface PromotionRecord {
  readonly functionName: string;
  /** Where live pointed when the plan was made. */
  readonly from?: string;
  readonly to: string;
}

/** A version that did not answer the probe, with its answers: it is not made live. */
export class PromotionRefused extends Error {
  constructor(
    readonly version: string,
    readonly probe: readonly ProbeResult[],
  ) {
    super(
      `version ${version} did not answer the probe, so live does not move to it: ${probe
        .filter((result) => !result.ok)
        .map((result) => `${result.route}: ${result.detail}`)
        .join('; ')}`,
    );
  }
}

/** Probes `version`; refuses it (PromotionRefused) unless every route answered. */
export async function probeBeforePromoting(lambda: LambdaClient, functionName: string, version: string, say: (line: string) => void): Promise<ProbeResult[]> {
  const probe = await runProbe(lambda, functionName, version);
  for (const result of probe) say(`  probe ${result.route} of version ${version}: ${result.ok ? 'ok' : 'FAILED'}, ${result.detail}`);
  if (probe.some((result) => !result.ok)) throw new PromotionRefused(version, probe);
  return probe;
}

/** The plan job's half: plans the move with no lock, refuses one that changes more than the alias, saves the plan, its JSON and the record. */
export async function planPromotion(terraform: Terraform, stackDir: string, record: PromotionRecord, planJsonFile: string): Promise<void> {
  const shown = await planAliasOnly(terraform, 'go-live', liveOn(record.to), { planFile: PROMOTE_PLAN, lock: false });
  fs.writeFileSync(path.join(stackDir, planJsonFile), shown);
  fs.writeFileSync(path.join(stackDir, PROMOTE_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads the record the plan job left; undefined when there is none. */
export function readPromotionRecord(stackDir: string): PromotionRecord | undefined {
  const file = path.join(stackDir, PROMOTE_RECORD);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PromotionRecord) : undefined;
}

/** Probes, then moves live: the saved plan unchanged when there is one, else planned and applied here. */
export async function promote(options: {
  terraform: Terraform;
  lambda: LambdaClient;
  functionName: string;
  to: string;
  savedPlan?: string;
  say: (line: string) => void;
}): Promise<ProbeResult[]> {
  const probe = await probeBeforePromoting(options.lambda, options.functionName, options.to, options.say);
  if (options.savedPlan) await applySavedPlan(options.terraform, 'go-live', options.savedPlan);
  else await applyAliasOnly(options.terraform, 'go-live', liveOn(options.to));
  return probe;
}
