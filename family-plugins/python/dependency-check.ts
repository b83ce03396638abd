import { PythonRuntime, pythonVersionOf } from './definition';
import { MarkerEnvironment, Requirement, appliedRequirements, lambdaMarkerEnvironment, normalisePythonName, satisfies, tryParseRequirement } from './pep508';
import { PYTHON_RUNTIME_DISTRIBUTIONS } from './runtime-modules';
import { asPythonPackage } from './python-package';
import { DependencyCheck, DependencyConflict, DependencyGap, FunctionDeployment } from '../../rules/deployment';

interface Distribution {
  readonly key: string;
  readonly name: string;
  readonly version?: string;
  /** Where it is: a layer folder name, a managed layer name, or "runtime". */
  readonly where: string;
  readonly requires: readonly Requirement[];
  readonly extras?: readonly string[];
}

/**
 * Every declared dependency of every distribution in the attached layers, with its
 * marker evaluated for the runtime's Python version and platform and for the extras
 * it was requested with (followed through the dependencies that request extras),
 * must be provided by an attached layer, a managed layer, or the runtime.
 */
export function pythonDependencyCheck(deployment: FunctionDeployment): DependencyCheck {
  // Functions that share layers share the answer: it is worked out once per runtime, platform and set of layers.
  const key = JSON.stringify([
    deployment.env.runtime,
    deployment.env.architecture,
    deployment.managed.map((layer) => [layer.name, layer.contents.distributions]),
    deployment.layers.map((layer) => [layer.name, layer.packages.map(asPythonPackage).map((pkg) => [pkg.name, pkg.version, pkg.requires, pkg.extras])]),
  ]);
  let check = checks.get(key);
  if (!check) {
    if (checks.size >= 256) checks.clear();
    checks.set(key, (check = dependencyCheckOf(deployment)));
  }
  return check;
}

const checks = new Map<string, DependencyCheck>();

function dependencyCheckOf(deployment: FunctionDeployment): DependencyCheck {
  const { env, layers, managed } = deployment;
  const markers: MarkerEnvironment = lambdaMarkerEnvironment(pythonVersionOf(env.runtime as PythonRuntime), env.architecture);
  const available = new Map<string, Distribution>();
  for (const dist of PYTHON_RUNTIME_DISTRIBUTIONS) available.set(dist.name, { key: dist.name, name: dist.name, where: `${env.runtime} runtime`, requires: [] });
  for (const layer of managed) {
    for (const name of layer.contents.distributions)
      available.set(normalisePythonName(name), { key: normalisePythonName(name), name, where: layer.name, requires: [] });
  }
  for (const layer of layers) {
    for (const pkg of layer.packages.map(asPythonPackage)) {
      const key = normalisePythonName(pkg.name);
      const requires = (pkg.requires ?? []).flatMap((line) => tryParseRequirement(line) ?? []);
      available.set(key, { key, name: pkg.name, version: pkg.version, where: layer.name, requires, ...(pkg.extras?.length ? { extras: pkg.extras } : {}) });
    }
  }
  const gaps: DependencyGap[] = [];
  const conflicts: DependencyConflict[] = [];
  for (const { from, requirement } of appliedRequirements(available, markers)) {
    const dist = available.get(from)!;
    const found = available.get(requirement.key);
    const base = { layer: dist.where, distribution: dist.name, version: dist.version ?? '', requirement: requirement.raw, missing: requirement.name };
    if (!found) {
      if (!gaps.some((gap) => gap.distribution === base.distribution && gap.missing === base.missing)) gaps.push(base);
    } else if (found.version && requirement.specifier && !satisfies(found.version, requirement.specifier)) {
      if (!conflicts.some((c) => c.distribution === base.distribution && c.missing === base.missing))
        conflicts.push({ ...base, found: found.version, foundIn: found.where });
    }
  }
  const checked = layers.reduce((sum, layer) => sum + layer.packages.length, 0);
  return { gaps, conflicts, distributionsChecked: checked };
}
