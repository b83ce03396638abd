import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploymentsOf } from '../builder/artifact-check';
import { BuildManifest, readManifest } from '../artifacts/manifest';
import { layerNameOf } from '../config/environments';
import { functionNameFor } from '../config/functions';
import { s3Client } from '../aws/clients';
import { planMissing } from '../review/errors';
import { contentsFromArtifact } from '../review/layer-packages';
import { fetchLayerManifests } from '../review/manifest-store';
import {
  CoverageRow,
  FunctionLayers,
  PlanSummary,
  ReviewContext,
  TerraformPlan,
  contentHashIn,
  kindOf,
  parsePlan,
  summarisePlan,
} from '../review/plan-summary';
import { importCoverage } from '../rules/import-coverage';
import { nativeCodeLoads } from '../rules/native-code';
import { locationText, providerText } from '../review/import-rows';
import { ProjectContext } from './context';

/** The stack a plan belongs to: --stack, else the folder it sits in (cdktf.out/stacks/<stack>/plan.json). */
export function stackOfPlanFile(file: string, explicit?: string): string {
  if (explicit) return explicit;
  const folder = path.basename(path.dirname(path.resolve(file)));
  return folder && folder !== '.' ? folder : path.basename(file, '.json');
}

/** The deployed content hashes of the layers a plan gives a new version. */
function deployedLayerHashes(plan: TerraformPlan): string[] {
  return plan.resource_changes
    .filter((change) => change.type === 'aws_lambda_layer_version' && kindOf(change) === 'replace')
    .flatMap((change) => {
      const hash = contentHashIn((change.change.before as Record<string, unknown> | undefined)?.['description']);
      return hash ? [hash] : [];
    });
}

/**
 * What the review needs besides the plan, read here: this build's layers (the manifest), the stored
 * manifests of the deployed layers (the artifact bucket), and the import coverage of the stack's function.
 * Whatever cannot be read is said in the summary, and the review falls back to the layer descriptions.
 */
export async function reviewContext(
  project: ProjectContext,
  plan: TerraformPlan,
  stack: string,
  buildDirOption?: string,
  options: ReviewOptions = {},
): Promise<ReviewContext> {
  const environment = project.config().environments.find((candidate) => candidate.stackName === stack);
  const buildDir = project.buildDir(buildDirOption);
  let manifest: BuildManifest | undefined;
  try {
    manifest = readManifest(buildDir);
  } catch {
    // The summary says the coverage is not shown, and the layer list falls back to the descriptions.
  }
  const built = new Map((manifest?.layers ?? []).map((layer) => [layer.contentHash.slice(0, 16), contentsFromArtifact(layer, project.families)]));
  const notes: string[] = [];
  let coverage: Map<string, CoverageRow[]> | undefined;
  let functionLayers: Map<string, FunctionLayers> | undefined;
  let coverageUnavailable: string | undefined;
  let native: ReviewContext['native'];
  if (!environment) coverageUnavailable = `${stack} is not a configured stack`;
  else if (!manifest) coverageUnavailable = `there is no build here (${path.relative(project.root, buildDir) || buildDir}); run npm run build`;
  else {
    try {
      const artifacts = project.builtArtifacts(environment, buildDir, { manifest, onDrift: () => undefined });
      const deployments = deploymentsOf(project.families, environment, artifacts);
      // The API's native-code findings, as before functions; every function's import coverage and layers.
      native = deployments.flatMap((deployment) => nativeCodeLoads(deployment).map((finding) => ({ severity: finding.severity, message: finding.message })));
      coverage = new Map();
      functionLayers = new Map();
      artifacts.functions.forEach((built, index) => {
        const name = functionNameFor(environment, built.function.name);
        const own = deployments[index].env;
        coverage!.set(
          name,
          importCoverage(deployments[index]).rows.map((row) => ({
            module: row.module,
            where: locationText(row),
            ...(row.provider ? { provider: providerText(row.provider, own) } : {}),
            ...(row.optional ? { optional: true } : {}),
          })),
        );
        const layerName = (layer: string): string => layerNameOf(environment, layer);
        functionLayers!.set(name, {
          attached: [...built.managed.map((layer) => layer.name), ...built.layers.map((layer) => layerName(layer.name))],
          ...(built.choice ? { candidates: built.choice.candidates.map(layerName) } : {}),
        });
      });
    } catch (error) {
      coverageUnavailable = `the build does not match the sources (${(error as Error).message.split('\n')[0]})`;
    }
  }
  let stored: ReviewContext['stored'];
  const hashes = deployedLayerHashes(plan);
  if (environment && hashes.length) {
    if (!environment.artifactBucket) {
      notes.push('no artifact bucket is configured, so deploys store no layer manifests and the deployed side comes from the layer descriptions');
    } else {
      const s3 = s3Client(environment.region);
      try {
        const fetched = await fetchLayerManifests(
          s3,
          environment.artifactBucket,
          { project: environment.project, environment: environment.name },
          hashes,
          project.families,
        );
        stored = fetched.found;
        notes.push(...fetched.problems);
      } catch (error) {
        notes.push(`the stored layer manifests could not be read (${(error as Error).name}: ${(error as Error).message})`);
      } finally {
        s3.destroy();
      }
    }
  }
  let advisories: ReviewContext['advisories'];
  // Known advisories, where the environment's family has a source of them (pip-audit, for Python's locks).
  const lookup = environment ? project.families.ofRuntime(environment.runtime).advisories : undefined;
  if (environment && lookup) {
    if (options.skipAudit) notes.push('known advisories were not looked up (--skip-audit)');
    else {
      const audited = await lookup(project, environment, buildDir);
      advisories = audited.open;
      notes.push(...audited.notes);
    }
  }
  return {
    families: project.families,
    built,
    ...(stored ? { stored } : {}),
    ...(coverage ? { coverage } : {}),
    ...(functionLayers ? { functionLayers } : {}),
    ...(coverageUnavailable ? { coverageUnavailable } : {}),
    notes,
    ...(advisories ? { advisories } : {}),
    ...(native ? { native } : {}),
  };
}

export interface ReviewOptions {
  /** Do not ask the advisory service (npm run layers:audit's) about the environment's locked versions. */
  readonly skipAudit?: boolean;
}

/** A plan file read and summarised for review, with everything the review can find for it. */
export async function reviewPlanFile(
  project: ProjectContext,
  file: string,
  stack: string,
  buildDir?: string,
  options: ReviewOptions = {},
): Promise<{ stack: string; summary: PlanSummary }> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw planMissing(file);
  }
  const plan = parsePlan(text, file);
  return { stack, summary: summarisePlan(plan, await reviewContext(project, plan, stack, buildDir, options)) };
}
