import { DeployedFunction, DeploymentState } from './terraform-state';
import { historyEmpty, rollbackTargetCurrent, serialNotInHistory, stepsBeyondHistory } from './errors';
import { eitherOption, optionValueInvalid } from '../project/errors';

/** One deployment of a stack: a state version in the versioned state bucket. */
export interface Deployment extends DeploymentState {
  /** When the state version was written. */
  readonly time: string;
  /** The S3 version id of the state object. */
  readonly stateVersionId: string;
}

export interface StateVersion {
  readonly versionId: string;
  readonly lastModified: string;
  readonly state: DeploymentState;
}

/** A retained state version that could not be read as Terraform state, and why. */
export interface UnreadableStateVersion {
  readonly versionId: string;
  readonly lastModified: string;
  readonly reason: string;
}

/**
 * Every deployment, newest first. Terraform writes state more than once per apply,
 * each time with a higher serial; one serial appears once (its newest write).
 */
export function deploymentsFrom(versions: readonly StateVersion[]): Deployment[] {
  const bySerial = new Map<number, Deployment>();
  const newestFirst = [...versions].sort((a, b) => (a.lastModified < b.lastModified ? 1 : a.lastModified > b.lastModified ? -1 : 0));
  for (const version of newestFirst) {
    if (bySerial.has(version.state.serial)) continue;
    bySerial.set(version.state.serial, { ...version.state, time: version.lastModified, stateVersionId: version.versionId });
  }
  return [...bySerial.values()].sort((a, b) => b.serial - a.serial);
}

export interface TargetChoice {
  /** A serial from the history. */
  readonly to?: number;
  /** How many deployments back from the newest (1 = the one before it). */
  readonly steps?: number;
}

/** The deployment to roll back to; the message lists the serials there are when the choice is not one of them. */
export function rollbackTarget(history: readonly Deployment[], choice: TargetChoice): { current: Deployment; target: Deployment } {
  const [current] = history;
  if (!current) throw historyEmpty();
  const serials = history.map((deployment) => deployment.serial);
  if ((choice.to === undefined) === (choice.steps === undefined)) {
    throw eitherOption(['--to <serial>', '--steps <n>'], 'rollback');
  }
  let target: Deployment | undefined;
  if (choice.to !== undefined) {
    target = history.find((deployment) => deployment.serial === choice.to);
    if (!target) throw serialNotInHistory(choice.to, serials);
  } else {
    const steps = choice.steps!;
    if (!Number.isInteger(steps) || steps < 1) throw optionValueInvalid('--steps', 'a whole number of deployments, at least 1', steps, 'rollback');
    target = history[steps];
    if (!target) {
      throw stepsBeyondHistory(steps, serials);
    }
  }
  if (target.serial === current.serial) {
    throw rollbackTargetCurrent(target.serial, serials);
  }
  return { current, target };
}

/** What a rollback from `current` to `target` changes of the API, in the user's terms, and the commit. */
export function rollbackChanges(current: Deployment, target: Deployment): string[] {
  const changes = functionChanges(current.function, target.function);
  if (current.commit !== target.commit) changes.push(`deployed commit: ${current.commit ?? 'unknown'} → ${target.commit ?? 'unknown'}`);
  return changes;
}

/** What a rollback changes of one function (its layers and code), in the user's terms. */
export function functionChanges(now: DeployedFunction | undefined, then: DeployedFunction | undefined): string[] {
  const changes: string[] = [];
  if (!now || !then) return ['the function is missing from one of the two states; nothing can be compared'];
  if (JSON.stringify(now.layers) === JSON.stringify(then.layers)) {
    changes.push('layers: unchanged');
  } else {
    const removed = now.layers.filter((arn) => !then.layers.includes(arn));
    const added = then.layers.filter((arn) => !now.layers.includes(arn));
    for (const arn of added) changes.push(`layer ${arn} is attached again`);
    for (const arn of removed) changes.push(`layer ${arn} is detached (its version stays in Lambda)`);
  }
  changes.push(now.codeHash === then.codeHash ? 'function code: unchanged' : `function code: ${now.codeHash} → ${then.codeHash}`);
  return changes;
}
