import { parseLayerDescription } from '../artifacts/layer-description';
import { formatBytes } from '../project/bytes';
import { planInvalid, planNotJson } from './errors';
import {
  LayerContents,
  LayerPackageDiff,
  ReviewFamilies,
  cautionsOf,
  contentsFromDescription,
  diffLayerContents,
  storedManifestMismatch,
} from './layer-packages';
import { AdvisoryFinding, advisoryText } from './advisories';
import { purlOf } from '../artifacts/sbom';
import { textOf } from '../project/text';

/**
 * A Terraform plan (the JSON of `terraform show -json <planfile>`), read for what
 * this project is about: which layers get a new version and why, which functions
 * change, and what could lose data.
 * https://developer.hashicorp.com/terraform/internals/json-format
 */

type Json = Record<string, unknown>;

export interface ResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
  readonly action_reason?: string;
}

export interface TerraformPlan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes: readonly ResourceChange[];
  /** From the plan's configuration: the layer versions each function's `layers` refers to, by function address. */
  readonly layerReferences?: Readonly<Record<string, readonly string[]>>;
}

export type ChangeKind = 'add' | 'change' | 'replace' | 'destroy' | 'read' | 'forget' | 'none';

/** Resource types whose destroy or replace can lose data or break access; flagged first. */
export const DESTRUCTIVE_TYPES: Readonly<Record<string, { readonly what: string; readonly nameKey: string; readonly consequence: string }>> = {
  aws_dynamodb_table: { what: 'DynamoDB table', nameKey: 'name', consequence: 'its items are lost unless restored from a backup' },
  aws_s3_bucket: { what: 'S3 bucket', nameKey: 'bucket', consequence: 'its objects, and any state history in it, are lost' },
  aws_iam_role: { what: 'IAM role', nameKey: 'name', consequence: 'anything assuming it fails until it is recreated' },
  aws_cloudwatch_log_group: { what: 'log group', nameKey: 'name', consequence: 'its logs are lost' },
};

/** Reads and checks a plan; the message says what the input is instead and how to make a plan. */
export function parsePlan(text: string, source: string): TerraformPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw planNotJson(source, error);
  }
  const plan = parsed as Json;
  const isPlan =
    typeof plan === 'object' && plan !== null && typeof plan['format_version'] === 'string' && ('planned_values' in plan || 'resource_changes' in plan);
  if (!isPlan) {
    const looksLikeState = typeof plan === 'object' && plan !== null && 'values' in plan && !('planned_values' in plan);
    throw planInvalid(source, looksLikeState ? 'state' : 'other');
  }
  const changes = plan['resource_changes'];
  if (changes !== undefined && !Array.isArray(changes)) {
    throw planInvalid(source, 'changes');
  }
  const layerReferences = layerReferencesOf(plan['configuration']);
  return {
    format_version: String(plan['format_version']),
    terraform_version: textOf(plan['terraform_version']),
    resource_changes: (changes ?? []) as ResourceChange[],
    ...(layerReferences ? { layerReferences } : {}),
  };
}

/**
 * Which layer versions each function's `layers` refers to, read from the plan's configuration (the expressions as
 * written, so known even when the new version's ARN is not): `{ "aws_lambda_function.x": ["aws_lambda_layer_version.y"] }`.
 * https://developer.hashicorp.com/terraform/internals/json-format#configuration-representation
 */
function layerReferencesOf(configuration: unknown): Record<string, string[]> | undefined {
  const resources = field(field(configuration, 'root_module'), 'resources');
  if (!Array.isArray(resources)) return undefined;
  const found: Record<string, string[]> = {};
  for (const resource of resources) {
    if (field(resource, 'type') !== 'aws_lambda_function' || typeof field(resource, 'address') !== 'string') continue;
    const references = field(field(field(resource, 'expressions'), 'layers'), 'references');
    const layers = Array.isArray(references)
      ? references.filter((ref): ref is string => typeof ref === 'string' && /^aws_lambda_layer_version\.[^.]+$/.test(ref))
      : [];
    found[field(resource, 'address') as string] = layers;
  }
  return found;
}

export function kindOf(change: ResourceChange): ChangeKind {
  const actions = change.change.actions;
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  if (actions.includes('create')) return 'add';
  if (actions.includes('update')) return 'change';
  if (actions.includes('delete')) return 'destroy';
  if (actions.includes('read')) return 'read';
  if (actions.includes('forget')) return 'forget';
  return 'none';
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' ? (value as Json)[key] : undefined;
}

/** True when Terraform says the attribute (or any part of it) is known only after apply. */
function unknown(change: ResourceChange, key: string): boolean {
  const mark = field(change.change.after_unknown, key);
  if (mark === true) return true;
  if (Array.isArray(mark)) return mark.some((item) => item === true);
  return false;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The content hash our layer descriptions carry: `content <hash16> | ...`. */
export function contentHashIn(description: unknown): string | undefined {
  return parseLayerDescription(description).contentHash;
}

function replacedBecause(change: ResourceChange): string {
  const paths = (change.change.replace_paths ?? []).map((p) => p.join('.'));
  return paths.length ? ` Replaced because of: ${paths.map((p) => `\`${p}\``).join(', ')}.` : '';
}

function nameOf(change: ResourceChange, key: string): string {
  return show(field(change.change.after, key) ?? field(change.change.before, key) ?? change.address);
}

function describeLayer(change: ResourceChange, users: readonly string[] | undefined): string | undefined {
  const line = describeLayerChange(change);
  const kind = kindOf(change);
  if (!line || !users || (kind !== 'add' && kind !== 'replace')) return line;
  return `${line}${line.endsWith('.') ? '' : '.'} ${users.length ? `Run by ${users.map((name) => `\`${name}\``).join(', ')}.` : 'No function of this plan attaches it.'}`;
}

function describeLayerChange(change: ResourceChange): string | undefined {
  const kind = kindOf(change);
  const name = nameOf(change, 'layer_name');
  const before = contentHashIn(field(change.change.before, 'description'));
  const after = unknown(change, 'description') ? 'known after apply' : contentHashIn(field(change.change.after, 'description'));
  switch (kind) {
    case 'add':
      return `\`${name}\`: new layer, content \`${after ?? 'unknown'}\``;
    case 'replace':
      return `\`${name}\`: new version, content \`${before ?? 'unknown'}\` → \`${after ?? 'unknown'}\`${before && before === after ? ' (same content; the zip or settings changed)' : ''}.${replacedBecause(change)}`;
    case 'change':
      return `\`${name}\`: settings change in place`;
    case 'destroy':
      return `\`${name}\`: leaves the state; its published versions stay in Lambda (skip_destroy)`;
    default:
      return undefined;
  }
}

function sameList(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function describeFunction(change: ResourceChange): string | undefined {
  const kind = kindOf(change);
  if (kind === 'none' || kind === 'read') return undefined;
  const name = nameOf(change, 'function_name');
  if (kind === 'add') return `\`${name}\`: created`;
  if (kind === 'destroy') return `\`${name}\`: **destroyed**`;
  const parts: string[] = [];
  const before = change.change.before;
  const after = change.change.after;
  if (unknown(change, 'layers')) {
    parts.push('layers → new version ARNs (known after apply)');
  } else if (!sameList(field(before, 'layers'), field(after, 'layers'))) {
    parts.push(`layers ${show(field(before, 'layers') ?? [])} → ${show(field(after, 'layers') ?? [])}`);
  }
  if (unknown(change, 'source_code_hash')) parts.push('code changes (hash known after apply)');
  else if (field(before, 'source_code_hash') !== field(after, 'source_code_hash')) parts.push('code changes');
  for (const key of ['runtime', 'memory_size', 'timeout', 'architectures', 'handler']) {
    if (!unknown(change, key) && !sameList(field(before, key), field(after, key)))
      parts.push(`${key} ${show(field(before, key))} → ${show(field(after, key))}`);
  }
  if (!sameList(field(before, 'environment'), field(after, 'environment'))) parts.push('environment variables change');
  const prefix = kind === 'replace' ? '**replaced**; ' : '';
  return `\`${name}\`: ${prefix}${parts.length ? parts.join('; ') : 'other settings change'}`;
}

/** One row of a function's import coverage, as the review shows it. */
export interface CoverageRow {
  readonly module: string;
  /** file:line, and how many more places. */
  readonly where: string;
  /** What provides it on Lambda; absent when nothing does. */
  readonly provider?: string;
  /** Every import of it is guarded (try/except ImportError, if TYPE_CHECKING): missing, it only warns. */
  readonly optional?: boolean;
}

/** What the shell found for the review besides the plan: this build's layers, the deployed ones' manifests, import coverage. */
export interface ReviewContext {
  /** The runtime families, as the entry point handed them down: what a layer holds, how its versions order, how its packages are named. */
  readonly families: ReviewFamilies;
  /** This build's layers, by the first 16 characters of their content hash. */
  readonly built?: ReadonlyMap<string, LayerContents>;
  /** Manifests stored for deployed layers, by the first 16 characters of their content hash. */
  readonly stored?: ReadonlyMap<string, LayerContents>;
  /** Import coverage of each function of this build, by function name. */
  readonly coverage?: ReadonlyMap<string, readonly CoverageRow[]>;
  /** The layers each function of this build attaches, by function name. */
  readonly functionLayers?: ReadonlyMap<string, FunctionLayers>;
  /** Why the import coverage is not shown, when it is not (no build here). */
  readonly coverageUnavailable?: string;
  /** What the shell could not read, said under the summary (a stored manifest it had no access to). */
  readonly notes?: readonly string[];
  /** Known advisories no layer accepts, by package URL with version (a family's advisory lookup: npm run layers:audit's for Python). */
  readonly advisories?: ReadonlyMap<string, readonly AdvisoryFinding[]>;
  /** The native-code rule's findings for the stack's build: shared objects that would not load (errors) or may not (warnings). */
  readonly native?: readonly { readonly severity: 'error' | 'warning'; readonly message: string }[];
}

export interface LayerReview {
  readonly layer: string;
  /** The functions of the environment that will run the new version; absent when the plan does not say (no configuration in it). */
  readonly functions?: readonly string[];
  readonly before?: string;
  readonly after?: string;
  /** The packages' changes; absent when neither side's packages are known. */
  readonly diff?: LayerPackageDiff;
  /** Known advisories of the packages the new version holds, not accepted by the layer. */
  readonly advisories?: readonly AdvisoryFinding[];
  /** Why the stored manifest of the deployed version was not believed (the description was used instead). */
  readonly distrusted?: string;
}

export interface FunctionCoverage {
  readonly functionName: string;
  readonly rows: readonly CoverageRow[];
  readonly missing: readonly string[];
  /** The layers this build gives the function, and whether its imports chose them. */
  readonly layers?: FunctionLayers;
}

/** The layers a function attaches in this build: listed by hand, or chosen by its imports from the candidates. */
export interface FunctionLayers {
  readonly attached: readonly string[];
  /** Present when the build chose (`"layers": "auto"`): the environment's layers it chose from, in order. */
  readonly candidates?: readonly string[];
}

export interface PlanSummary {
  readonly counts: Readonly<Record<'add' | 'change' | 'replace' | 'destroy', number>>;
  readonly reads: number;
  readonly destructive: readonly string[];
  /** Package removals and downgrades, and imports nothing provides: in the caution box with the destructive changes. */
  readonly cautions: readonly string[];
  readonly layers: readonly string[];
  /** Per new layer version: what changed inside it, in packages. */
  readonly layerPackages: readonly LayerReview[];
  readonly functions: readonly string[];
  /** Functions whose code, layers and settings the plan leaves as they are. */
  readonly unchanged: readonly string[];
  /** Per function the plan touches: every import and what provides it. */
  readonly coverage: readonly FunctionCoverage[];
  readonly coverageUnavailable?: string;
  readonly notes: readonly string[];
  readonly others: readonly { readonly kind: ChangeKind; readonly address: string; readonly order?: string }[];
}

/** For a replacement, which half Terraform does first. */
export function replaceOrder(change: ResourceChange): string | undefined {
  const [first] = change.change.actions;
  if (kindOf(change) !== 'replace') return undefined;
  return first === 'create' ? 'create before destroy' : 'destroy before create';
}

/** A new layer version's packages against the deployed one's: the stored or built manifest where there is one, else the descriptions. */
function reviewLayer(change: ResourceChange, context: ReviewContext, functions: readonly string[] | undefined): LayerReview | undefined {
  const kind = kindOf(change);
  if (kind !== 'add' && kind !== 'replace') return undefined;
  const layer = nameOf(change, 'layer_name');
  const beforeDescription = field(change.change.before, 'description');
  const afterDescription = field(change.change.after, 'description');
  const beforeHash = contentHashIn(beforeDescription);
  const afterHash = contentHashIn(afterDescription);
  const after = (afterHash ? context.built?.get(afterHash.slice(0, 16)) : undefined) ?? contentsFromDescription(afterDescription, context.families);
  const stored = beforeHash ? context.stored?.get(beforeHash.slice(0, 16)) : undefined;
  const distrusted = stored ? storedManifestMismatch(stored, beforeHash!, beforeDescription, context.families) : undefined;
  const before: LayerContents | undefined =
    kind === 'add'
      ? { contentHash: 'none', packages: [], unzippedBytes: 0, source: 'manifest', complete: true }
      : ((distrusted ? undefined : stored) ?? contentsFromDescription(beforeDescription, context.families));
  // Advisories are by package URL, the family's own spelling of a package's name.
  const family = after?.family ? context.families.find(after.family) : undefined;
  const advisories = family && after ? after.packages.flatMap((pkg) => context.advisories?.get(purlOf(family, pkg)) ?? []) : [];
  return {
    layer,
    ...(functions ? { functions } : {}),
    ...(beforeHash ? { before: beforeHash } : {}),
    ...(afterHash ? { after: afterHash } : {}),
    ...(before && after ? { diff: diffLayerContents(before, after, context.families) } : {}),
    ...(advisories.length ? { advisories } : {}),
    ...(distrusted ? { distrusted } : {}),
  };
}

/** The import coverage of a function the plan creates or changes. */
function reviewFunction(change: ResourceChange, context: ReviewContext): FunctionCoverage | undefined {
  const kind = kindOf(change);
  if (kind !== 'add' && kind !== 'change' && kind !== 'replace') return undefined;
  const functionName = nameOf(change, 'function_name');
  const rows = context.coverage?.get(functionName);
  if (!rows) return undefined;
  const layers = context.functionLayers?.get(functionName);
  return { functionName, rows, missing: rows.filter((row) => !row.provider && !row.optional).map((row) => row.module), ...(layers ? { layers } : {}) };
}

/**
 * The functions of the plan that will run a layer's new version: those whose configuration refers to the layer version
 * resource, or, in a plan without its configuration, those whose deployed layers are a version of the same layer.
 */
function layerUsers(plan: TerraformPlan, layer: ResourceChange): string[] | undefined {
  const functions = plan.resource_changes.filter((change) => change.type === 'aws_lambda_function' && change.mode !== 'data' && kindOf(change) !== 'destroy');
  const layerName = nameOf(layer, 'layer_name');
  const uses = (fn: ResourceChange): boolean => {
    const references = plan.layerReferences?.[fn.address];
    if (references) return references.includes(layer.address);
    const attached = [field(fn.change.before, 'layers'), field(fn.change.after, 'layers')].flatMap((list) => (Array.isArray(list) ? (list as unknown[]) : []));
    return attached.some((arn) => typeof arn === 'string' && arn.split(':')[6] === layerName);
  };
  const users = [...new Set(functions.filter(uses).map((fn) => nameOf(fn, 'function_name')))].sort();
  // Without the configuration, a function whose layers are known only after apply may attach it too: not known here.
  if (!plan.layerReferences && functions.some((fn) => unknown(fn, 'layers') && !uses(fn))) return undefined;
  return users;
}

/** The decisions, without formatting: what changes, and what to flag. */
export function summarisePlan(plan: TerraformPlan, context: ReviewContext): PlanSummary {
  const counts = { add: 0, change: 0, replace: 0, destroy: 0 };
  let reads = 0;
  const destructive: string[] = [];
  const cautions: string[] = [];
  const layers: string[] = [];
  const layerPackages: LayerReview[] = [];
  const functions: string[] = [];
  const unchanged: string[] = [];
  const coverage: FunctionCoverage[] = [];
  const others: { kind: ChangeKind; address: string; order?: string }[] = [];
  let touchesFunction = false;
  for (const change of plan.resource_changes) {
    const kind = kindOf(change);
    if (change.mode === 'data' || kind === 'read') {
      if (kind === 'read') reads += 1;
      continue;
    }
    if (kind === 'add' || kind === 'change' || kind === 'replace' || kind === 'destroy') counts[kind] += 1;
    const danger = DESTRUCTIVE_TYPES[change.type];
    if ((kind === 'replace' || kind === 'destroy') && danger) {
      destructive.push(
        `**${kind}** ${danger.what} \`${nameOf(change, danger.nameKey)}\` (\`${change.address}\`): ${danger.consequence}.${replacedBecause(change)}`,
      );
    }
    if (change.type === 'aws_lambda_layer_version') {
      const users = layerUsers(plan, change);
      const line = describeLayer(change, users);
      if (line) layers.push(line);
      const review = reviewLayer(change, context, users);
      if (review) {
        layerPackages.push(review);
        if (review.distrusted) {
          cautions.push(
            `layer \`${review.layer}\`: **the stored manifest of the deployed version does not match** (${review.distrusted}); its packages are shown from the layer version's description instead. Someone who can write the artifact bucket may have changed it.`,
          );
        }
        if (review.diff) cautions.push(...cautionsOf(review.layer, review.diff));
        for (const finding of review.advisories ?? []) {
          cautions.push(`layer \`${review.layer}\`: **${finding.name} ${finding.version} has a known advisory**: ${advisoryText(finding)}`);
        }
      }
    } else if (change.type === 'aws_lambda_function') {
      touchesFunction ||= kind === 'add' || kind === 'change' || kind === 'replace';
      if (kind === 'none') unchanged.push(nameOf(change, 'function_name'));
      const line = describeFunction(change);
      if (line) functions.push(line);
      const review = reviewFunction(change, context);
      if (review) {
        coverage.push(review);
        for (const module of review.missing)
          cautions.push(
            `function \`${review.functionName}\`: **imports \`${module}\`, and nothing it gets provides it** (build and synth refuse this; on Lambda every request would fail)`,
          );
      }
    }
    const order = replaceOrder(change);
    if (kind !== 'none') others.push({ kind, address: change.address, ...(order ? { order } : {}) });
  }
  // Native code that would not load fails every request as surely as a missing import: said wherever the plan changes the function or a layer.
  const nativeNotes: string[] = [];
  if (touchesFunction || layerPackages.length) {
    for (const finding of context.native ?? []) {
      if (finding.severity === 'error') cautions.push(`**native code that would not load**: ${finding.message}`);
      else nativeNotes.push(`native code that may not load: ${finding.message}`);
    }
  }
  return {
    counts,
    reads,
    destructive,
    cautions,
    layers,
    layerPackages,
    functions,
    unchanged: unchanged.sort(),
    coverage,
    ...(touchesFunction && coverage.length === 0 && context.coverageUnavailable ? { coverageUnavailable: context.coverageUnavailable } : {}),
    notes: [...(layerPackages.length ? (context.notes ?? []) : []), ...nativeNotes],
    others,
  };
}

const CHANGE_WORDS: Readonly<Record<string, string>> = {
  added: 'added',
  removed: '**removed**',
  upgraded: 'upgraded',
  downgraded: '**downgraded**',
  changed: 'changed',
};

function renderLayerPackages(review: LayerReview): string[] {
  const runBy = review.functions?.length ? `, run by ${review.functions.map((name) => `\`${name}\``).join(', ')}` : '';
  const title = `**Packages of \`${review.layer}\`** (content \`${review.before ?? 'none'}\` → \`${review.after ?? 'unknown'}\`${runBy})`;
  const diff = review.diff;
  if (!diff) return [title, '', '_Neither version says what it holds (no manifest, and no description the stacks wrote)._', ''];
  const size =
    diff.sizeAfter !== undefined ? `, unzipped ${diff.sizeBefore !== undefined ? `${formatBytes(diff.sizeBefore)} → ` : ''}${formatBytes(diff.sizeAfter)}` : '';
  const lines = [`${title}${size}`, ''];
  if (diff.changes.length === 0) {
    lines.push(`No package changed (${diff.unchanged} the same).`);
  } else {
    lines.push('| package | before | after | change |', '| --- | --- | --- | --- |');
    for (const change of diff.changes) {
      lines.push(`| ${change.name}${change.direct ? '' : ' _(transitive)_'} | ${change.from ?? '—'} | ${change.to ?? '—'} | ${CHANGE_WORDS[change.kind]} |`);
    }
    if (diff.unchanged) lines.push('', `${diff.unchanged} other package(s) unchanged.`);
  }
  if (diff.partial) lines.push('', `_Partial: ${diff.partial}._`);
  lines.push('');
  return lines;
}

function renderCoverage(item: FunctionCoverage): string[] {
  const provided = item.rows.filter((row) => row.provider).length;
  // HTML, not Markdown: GitHub does not render Markdown inside <summary>.
  const title = `<b>Import coverage of <code>${item.functionName}</code></b>`;
  const head = item.missing.length
    ? `${title}: ${item.missing.length} of ${item.rows.length} import(s) MISSING`
    : `${title}: all ${provided} import(s) provided${item.rows.length > provided ? `, ${item.rows.length - provided} optional one(s) not` : ''}`;
  const lines = [`<details><summary>${head}</summary>`, ''];
  if (item.layers) {
    const attached = item.layers.attached.length ? item.layers.attached.map((name) => `\`${name}\``).join(', ') : 'none';
    lines.push(
      item.layers.candidates
        ? `Layers chosen by its imports: ${attached}, of ${item.layers.candidates.map((name) => `\`${name}\``).join(', ') || 'none'}.`
        : `Layers listed by hand: ${attached}.`,
      '',
    );
  }
  lines.push('| module | imported at | provided by |', '| --- | --- | --- |');
  for (const row of item.rows) lines.push(`| \`${row.module}\` | ${row.where} | ${row.provider ?? (row.optional ? 'missing, optional' : '**MISSING**')} |`);
  lines.push('', '</details>', '');
  return lines;
}

/** Markdown for a pull request comment and a job summary. */
export function renderPlanSummary(stack: string, summary: PlanSummary): string {
  const { counts } = summary;
  const total = counts.add + counts.change + counts.replace + counts.destroy;
  if (total === 0) {
    return `### Plan for \`${stack}\`: No changes.\n\nThe deployed infrastructure matches the configuration.${summary.reads ? ` ${summary.reads} data source(s) will be read.` : ''}\n`;
  }
  const lines = [`### Plan for \`${stack}\`: ${counts.add} to add, ${counts.change} to change, ${counts.replace} to replace, ${counts.destroy} to destroy`, ''];
  if (summary.destructive.length || summary.cautions.length) {
    lines.push(
      '> [!CAUTION]',
      `> **${summary.destructive.length ? 'Destructive changes' : 'Changes that can break the function'}: read these before approving.**`,
    );
    for (const item of [...summary.destructive, ...summary.cautions]) lines.push(`> - ${item}`);
    lines.push('');
  }
  if (summary.layers.length) {
    lines.push('**Layers**', '', ...summary.layers.map((line) => `- ${line}`), '');
  }
  for (const review of summary.layerPackages) lines.push(...renderLayerPackages(review));
  if (summary.functions.length || summary.unchanged.length) {
    lines.push(
      '**Functions**',
      '',
      ...summary.functions.map((line) => `- ${line}`),
      ...summary.unchanged.map((name) => `- \`${name}\`: unchanged (code, layers and settings)`),
      '',
    );
  }
  for (const item of summary.coverage) lines.push(...renderCoverage(item));
  if (summary.coverageUnavailable) lines.push(`_Import coverage not shown: ${summary.coverageUnavailable}._`, '');
  for (const note of summary.notes) lines.push(`_Note: ${note}._`, '');
  lines.push(`<details><summary>Every change (${summary.others.length})</summary>`, '', '| Action | Resource |', '| --- | --- |');
  for (const other of summary.others) lines.push(`| ${other.kind}${other.order ? ` (${other.order})` : ''} | \`${other.address}\` |`);
  lines.push('', '</details>', '');
  if (summary.reads) lines.push(`${summary.reads} data source(s) will be read during apply.`, '');
  return lines.join('\n');
}
