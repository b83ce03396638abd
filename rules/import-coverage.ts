import { FamilyDefinition } from '../families/family';
import { FunctionImport, LayerArtifact } from '../artifacts/manifest';
import { Runtime } from '../config/environments';
import { ManagedLayer } from '../config/managed-layers';
import { DependencyCheck, Finding, FunctionDeployment, Rule } from './deployment';

const ID = 'import-coverage';

/** Where an import comes from at run time, in the order Lambda searches. */
export interface Provider {
  readonly kind: 'own' | 'layer' | 'managed' | 'runtime';
  /** The layer's folder name or the managed layer's name; absent for own code and the runtime. */
  readonly layer?: string;
  /** e.g. "fastapi 0.115.0", "standard library", "AWS SDK for JavaScript v3". */
  readonly detail: string;
}

export interface ImportRow {
  readonly module: string;
  /** Every place the function imports it, in file and line order. */
  readonly locations: readonly { readonly file: string; readonly line?: number }[];
  /** Set when every import of it is guarded: a missing module then only warns. */
  readonly optional?: string;
  /** Every import of it is inside a function body. */
  readonly lazy: boolean;
  readonly own: boolean;
  readonly provider?: Provider;
  /** Why it cannot be provided (a broken relative import). */
  readonly problem?: string;
}

export interface ImportCoverage {
  readonly rows: readonly ImportRow[];
  readonly gaps: DependencyCheck['gaps'];
  readonly conflicts: DependencyCheck['conflicts'];
  /** Distributions whose declared dependencies were checked. */
  readonly distributionsChecked: number;
  /** Things the check took on trust, e.g. a managed layer version newer than the table. */
  readonly assumptions: readonly string[];
}

/** Whether an npm name is covered by a package pattern ("hono", "@aws-sdk/*"). */
export function matchesPackagePattern(name: string, pattern: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** What an attached layer lets a function import: Node.js packages at the top of its node_modules, or Python distributions with their modules. */
export interface ImportableLayer {
  /** The layer's folder name (or its name in Lambda, for a deployed version). */
  readonly name: string;
  readonly packages: readonly { readonly name: string; readonly version: string; readonly modules?: readonly string[] }[];
}

/** Everything that can provide an import at run time, each in Lambda's search order. */
export interface ImportSources {
  readonly runtime: Runtime;
  /** The runtime's family, from the registry the entry point handed down: what the runtime ships, how layers satisfy imports. */
  readonly family: FamilyDefinition;
  /** The function's own top-level modules (Python) or files; empty where only packages are asked about. */
  readonly ownModules: readonly string[];
  /** Attached in this order: Lambda extracts them over each other, so the last that has a module wins. */
  readonly layers: readonly ImportableLayer[];
  readonly managed: readonly ManagedLayer[];
}

/** The import sources of a deployment built here: its bundle's own modules, its built layers, its managed layers, its runtime. */
export function importSourcesOf(deployment: FunctionDeployment): ImportSources {
  return {
    runtime: deployment.env.runtime,
    family: deployment.family,
    ownModules: deployment.bundle.ownModules,
    layers: deployment.layers.map((layer) => ({ name: layer.name, packages: layer.packages.filter((pkg) => deployment.family.importable(pkg.path)) })),
    managed: deployment.managed,
  };
}

/** What a built layer lets a function of a family import: its importable packages' modules (Python) or names (Node.js). */
export function importableNames(family: Pick<FamilyDefinition, 'importable' | 'importsBy'>, layer: Pick<LayerArtifact, 'packages'>): string[] {
  const importable = layer.packages.filter((pkg) => family.importable(pkg.path));
  return family.importsBy === 'module' ? importable.flatMap((pkg) => pkg.modules ?? []) : importable.map((pkg) => pkg.name);
}

/** The modules a deployment imports that nothing attached, nor its own code, nor its runtime provides (unguarded ones only). */
export function unprovidedImports(deployment: FunctionDeployment): string[] {
  return importRows(deployment)
    .filter((row) => !row.provider && !row.optional && !row.problem)
    .map((row) => row.module);
}

function layerProvider(layers: readonly ImportableLayer[], module: string, importsBy: 'module' | 'package'): Provider | undefined {
  // Lambda extracts layers over each other in order, so the last one that has it wins.
  for (const layer of [...layers].reverse()) {
    const pkg = layer.packages.find((candidate) => (importsBy === 'module' ? candidate.modules?.includes(module) : candidate.name === module));
    if (pkg) return { kind: 'layer', layer: layer.name, detail: `${pkg.name} ${pkg.version}` };
  }
  return undefined;
}

function managedProvider(managed: readonly ManagedLayer[], module: string): Provider | undefined {
  for (const layer of [...managed].reverse()) {
    // A module name matches itself; an npm pattern ("@aws-lambda-powertools/*") its packages.
    const provided = layer.contents.provides.some((pattern) => matchesPackagePattern(module, pattern));
    if (provided) return { kind: 'managed', layer: layer.name, detail: `version ${layer.version}` };
  }
  return undefined;
}

/**
 * What provides a module at run time, searched in Lambda's order; undefined when nothing does. The one answer to that
 * question: the import coverage rule, doctor, the plan review and the layers-only rollback all ask here.
 */
export function providerOf(from: FunctionDeployment | ImportSources, imported: Pick<FunctionImport, 'module' | 'own'>): Provider | undefined {
  const sources = 'bundle' in from ? importSourcesOf(from) : from;
  const { family } = sources;
  const { module } = imported;
  if (imported.own) return sources.ownModules.includes(module) ? { kind: 'own', detail: "the function's own code" } : undefined;
  if (family.bareImportsCanBeOwn && sources.ownModules.includes(module)) return { kind: 'own', detail: "the function's own code" };
  const builtIn = family.builtIn(module);
  if (builtIn) return { kind: 'runtime', detail: builtIn };
  const fromLayers = layerProvider(sources.layers, module, family.importsBy) ?? managedProvider(sources.managed, module);
  if (fromLayers) return fromLayers;
  const shipped = family.shippedWithRuntime(module, sources.runtime);
  return shipped ? { kind: 'runtime', detail: shipped } : undefined;
}

function compareLocations(a: { file: string; line?: number }, b: { file: string; line?: number }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0);
}

/** One row per imported module: where it is imported, whether every import is guarded, and what provides it. */
export function importRows(deployment: FunctionDeployment): ImportRow[] {
  const groups = new Map<string, FunctionImport[]>();
  for (const imported of deployment.bundle.imports) {
    const key = `${imported.own ? 'own:' : ''}${imported.problem ? `${imported.specifier}@${imported.file}` : imported.module}`;
    groups.set(key, [...(groups.get(key) ?? []), imported]);
  }
  const sources = importSourcesOf(deployment);
  const rows: ImportRow[] = [];
  for (const imports of groups.values()) {
    const first = imports[0];
    const locations = imports.map(({ file, line }) => ({ file, ...(line ? { line } : {}) })).sort(compareLocations);
    const optional = imports.every((imported) => imported.optional) ? first.optional : undefined;
    const provider = first.problem ? undefined : providerOf(sources, first);
    rows.push({
      module: first.module,
      locations: locations.filter((location, i) => i === 0 || compareLocations(location, locations[i - 1]) !== 0),
      ...(optional ? { optional } : {}),
      lazy: imports.every((imported) => imported.lazy),
      own: Boolean(first.own),
      ...(provider ? { provider } : {}),
      ...(first.problem ? { problem: first.problem } : {}),
    });
  }
  return rows.sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
}

/** Everything the import coverage rule and `npm run doctor` show for one deployment. */
export function importCoverage(deployment: FunctionDeployment): ImportCoverage {
  const assumptions = deployment.managed
    .filter((layer) => layer.version < layer.contents.versions[0] || layer.version > layer.contents.versions[1])
    .map(
      (layer) =>
        `${layer.name} version ${layer.version} is outside the versions the table in family-plugins/${deployment.family.id}/powertools.ts describes ` +
        `(${layer.contents.versions.join('-')}); its contents are assumed to be the same.`,
    );
  const dependencies = deployment.family.dependencyCheck?.(deployment) ?? { gaps: [], conflicts: [], distributionsChecked: 0 };
  return { rows: importRows(deployment), ...dependencies, assumptions };
}

/** The attached layers and what they hold, for messages: "dependencies (fastapi 0.115.0, mangum 0.17.0; 23 packages in all)". */
export function describeAttached(deployment: FunctionDeployment): string {
  const own = deployment.layers.map((layer) => {
    const direct = layer.packages.filter((pkg) => pkg.direct).map((pkg) => `${pkg.name} ${pkg.version}`);
    const count = layer.packages.length === 1 ? '1 package' : `${layer.packages.length} packages`;
    return `${layer.name} (${direct.join(', ') || 'nothing listed directly'}; ${count} in all)`;
  });
  const managed = deployment.managed.map((layer) => `${layer.name} (managed, version ${layer.version})`);
  const all = [...managed, ...own];
  return all.length ? all.join(', ') : 'no layers';
}

function layerFiles(deployment: FunctionDeployment): string {
  const names = deployment.layers.map((layer) => `layers/${layer.name}/${deployment.family.packageFile}`);
  return names.length === 1 ? names[0] : `one of ${names.join(', ')}`;
}

function where(row: ImportRow): string {
  const first = row.locations[0];
  const more = row.locations.length > 1 ? ` (and ${row.locations.length - 1} more place${row.locations.length > 2 ? 's' : ''})` : '';
  return `${first.file}${first.line ? `:${first.line}` : ''}${more}`;
}

/** The message for an import nothing provides: where, what is attached, what Lambda would say, and the fix. */
export function missingImportMessage(deployment: FunctionDeployment, row: ImportRow): string {
  const { env, bundle } = deployment;
  const head = `${env.stackName}: ${where(row)} imports ${row.module}`;
  if (row.problem) return `${head}, which cannot work: ${row.problem}. Use an absolute import of the module (the task root /var/task is on the path).`;
  if (row.own) return `${head}, the function's own module, but the task root has no such module. Check the file name or the relative import.`;
  const handlerModule = bundle.handler.slice(0, bundle.handler.lastIndexOf('.'));
  const missing = deployment.family.missingImport;
  const lambdaSays = missing.lambdaSays(row.module, handlerModule, row.lazy === true);
  const fix =
    deployment.layers.length === 0
      ? `Attach a layer that provides it (the "layers" of environment ${env.name}).`
      : `${missing.howToAdd(row.module, layerFiles(deployment))}, or attach a layer that provides it.`;
  const runtimeHas = missing.runtimeHas;
  return (
    `${head}, and nothing the function gets provides it: layers ${describeAttached(deployment)}; ` +
    `the ${env.runtime} runtime (${runtimeHas}). On Lambda ${lambdaSays}. ${fix}`
  );
}

/**
 * The seed's incident as a rule: every import of the function's code must be
 * provided by an attached layer, a managed layer, the runtime, or its own files,
 * and every declared dependency of the attached Python distributions too.
 */
export function checkImportCoverage(deployment: FunctionDeployment): Finding[] {
  const coverage = importCoverage(deployment);
  const { env } = deployment;
  const findings: Finding[] = [];
  for (const row of coverage.rows) {
    if (row.provider) continue;
    if (row.optional) {
      findings.push({
        rule: ID,
        severity: 'warning',
        message: `${env.stackName}: ${where(row)} imports ${row.module} optionally (${row.optional}), and nothing the function gets provides it; the function runs without it.`,
      });
    } else {
      findings.push({ rule: ID, severity: 'error', message: missingImportMessage(deployment, row) });
    }
  }
  for (const gap of coverage.gaps) {
    findings.push({
      rule: ID,
      severity: 'error',
      message:
        `${env.stackName}: ${gap.distribution} ${gap.version} in layer ${gap.layer} requires ${gap.requirement}, and no attached layer or the ${env.runtime} ` +
        `runtime provides ${gap.missing}; importing ${gap.distribution} would fail. Add ${gap.missing} to layers/${gap.layer}/requirements.txt ` +
        '(or lock the layer with npm run layers:lock, which resolves every dependency).',
    });
  }
  for (const conflict of coverage.conflicts) {
    findings.push({
      rule: ID,
      severity: 'warning',
      message:
        `${env.stackName}: ${conflict.distribution} ${conflict.version} in layer ${conflict.layer} requires ${conflict.requirement}, ` +
        `but ${conflict.missing} is ${conflict.found} (from ${conflict.foundIn}). Pin a version both allow.`,
    });
  }
  for (const assumption of coverage.assumptions) findings.push({ rule: ID, severity: 'warning', message: `${env.stackName}: ${assumption}` });
  return findings;
}

/** The rule, as the registry (rules/index.ts) knows it: every import of the function is provided. */
export const importCoverageRule: Rule = { id: ID, severity: 'error', lambda: 'accepts it, then fails every invocation', check: checkImportCoverage };
