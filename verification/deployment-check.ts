import { API_STEPS, StepResult } from './api-check';

/**
 * The seed's troubleshooting runbook as judgments: are the layers the state says
 * attached, is each one the archive this deploy built, does it hold every package
 * the build put in it, does the API answer, and if not, what is the likely cause.
 */

export interface LayerFacts {
  readonly arn: string;
  /** The project's own layer (false for a managed one such as Powertools). */
  readonly own: boolean;
  readonly exists: boolean;
  /** CodeSha256 Lambda reports. */
  readonly codeSha256?: string;
  /** sha256 (base64) of the archive this deploy built, when it is on disk; after a rollback, the CodeSha256 the restored deployment recorded. */
  readonly builtSha256?: string;
  /**
   * Where `builtSha256` and `expected` come from, for the messages: this deploy's build, or, after a
   * rollback, the deployment it restored.
   * @default { archive: 'this deploy built', packages: 'the build' }
   */
  readonly reference?: { readonly archive: string; readonly packages: string };
  readonly compatibleRuntimes?: readonly string[];
  readonly compatibleArchitectures?: readonly string[];
  /** The zip's file names, or why they could not be read. */
  readonly content?: { readonly entries: readonly string[] } | { readonly unavailable: string };
  /** Files that must be in the zip, one per package the build manifest lists. */
  readonly expected?: readonly { readonly pkg: string; readonly entry: string }[];
  /** Why a check of this layer could not run: no built archive to compare with, no manifest to read the packages from. */
  readonly unchecked?: { readonly content?: string; readonly packages?: string };
}

export interface DeployedStackFacts {
  readonly stack: string;
  readonly functionName: string;
  /** The function as the state says it should be. */
  readonly desired: { readonly layers: readonly string[]; readonly runtime?: string; readonly architectures?: readonly string[] };
  /** The function as Lambda runs it; undefined when it does not exist. */
  readonly live?: { readonly layers: readonly string[]; readonly runtime: string; readonly architectures: readonly string[] };
  readonly layers: readonly LayerFacts[];
  readonly api: readonly StepResult[];
  /** The function's latest log lines, fetched when something failed. */
  readonly logs: readonly string[];
}

/** A check passed, failed, or could not run (and says why): a check that did not run never counts as passed. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface CheckCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export type Cause = 'package missing from a layer' | 'layer not attached' | 'architecture or runtime mismatch' | 'API not reachable' | 'function missing';

export interface Verdict {
  /** No check failed, and with `strict`, none was skipped either. */
  readonly ok: boolean;
  readonly checks: readonly Check[];
  readonly counts: CheckCounts;
  /** Likely causes, each with the evidence for it. */
  readonly causes: readonly { readonly cause: Cause; readonly evidence: string }[];
}

const IMPORT_ERRORS = [/Cannot find (?:module|package) '([^']+)'/g, /No module named '([^']+)'/g];
const PLATFORM_ERRORS = /invalid ELF header|wrong ELF class|Exec format error|GLIBC_[\d.]+' not found|cannot open shared object file/;

function short(arn: string): string {
  return arn.split(':layer:')[1] ?? arn;
}

/** Modules a log says it could not import. */
/**
 * A zip entry as compared: a Python distribution's metadata folder by its normalised name (PEP 503:
 * case and runs of -_. do not matter), as pip and wheels spell it differently; anything else as it is.
 */
export function comparableEntry(entry: string): string {
  const match = /^(.*\/)?([^/]+)-([^/-]+)\.dist-info\/METADATA$/.exec(entry);
  return match ? `${match[1] ?? ''}${match[2].replace(/[-_.]+/g, '_').toLowerCase()}-${match[3]}.dist-info/METADATA` : entry;
}

export function missingModulesIn(lines: readonly string[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    for (const pattern of IMPORT_ERRORS) for (const match of line.matchAll(pattern)) found.add(match[1]);
  }
  return [...found];
}

const status = (ok: boolean): CheckStatus => (ok ? 'passed' : 'failed');

export function countChecks(checks: readonly Check[]): CheckCounts {
  const count = (wanted: CheckStatus) => checks.filter((check) => check.status === wanted).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

/** The verdict; with `strict`, a check that could not run fails the verdict as a failed one does. */
export function judgeDeployment(facts: DeployedStackFacts, options: { strict?: boolean } = {}): Verdict {
  const checks: Check[] = [];
  const causes: { cause: Cause; evidence: string }[] = [];
  const cause = (kind: Cause, evidence: string): void => {
    if (!causes.some((existing) => existing.cause === kind && existing.evidence === evidence)) causes.push({ cause: kind, evidence });
  };

  if (!facts.live) {
    checks.push({ name: 'function', status: 'failed', detail: `${facts.functionName} does not exist in Lambda` });
    cause('function missing', `${facts.functionName} was not found; the deploy may have failed or run in another account or region`);
  } else {
    const same = JSON.stringify(facts.live.layers) === JSON.stringify(facts.desired.layers);
    const missing = facts.desired.layers.filter((arn) => !facts.live!.layers.includes(arn));
    checks.push({
      name: 'layers attached',
      status: status(same),
      detail: same
        ? `${facts.live.layers.length} layer(s), as the state says`
        : `the function has [${facts.live.layers.map(short).join(', ')}], the state says [${facts.desired.layers.map(short).join(', ')}]`,
    });
    if (!same)
      cause(
        'layer not attached',
        missing.length ? `not attached: ${missing.map(short).join(', ')}` : 'the attached layers differ from the state (someone changed them by hand?)',
      );
  }

  for (const layer of facts.layers) {
    const name = short(layer.arn);
    if (!layer.exists) {
      checks.push({ name: `layer ${name}`, status: 'failed', detail: 'the layer version does not exist' });
      cause('layer not attached', `${name} does not exist`);
      continue;
    }
    if (layer.builtSha256 !== undefined && layer.codeSha256 !== undefined) {
      const same = layer.builtSha256 === layer.codeSha256;
      checks.push({
        name: `layer ${name} content`,
        status: status(same),
        detail: same
          ? `CodeSha256 ${layer.codeSha256} is the archive ${layer.reference?.archive ?? 'this deploy built'}`
          : `CodeSha256 ${layer.codeSha256}, but ${layer.reference?.archive ?? 'this deploy built'} ${layer.builtSha256}`,
      });
      if (!same) cause('layer not attached', `${name} is not the layer this deploy built`);
    } else if (layer.own) {
      const why =
        layer.codeSha256 === undefined
          ? 'Lambda reported no CodeSha256 for it'
          : (layer.unchecked?.content ?? 'there is no archive of this deploy to compare with');
      checks.push({ name: `layer ${name} content`, status: 'skipped', detail: `not checked: ${why}` });
    }
    const live = facts.live;
    if (live && layer.compatibleArchitectures?.length && !live.architectures.some((arch) => layer.compatibleArchitectures!.includes(arch))) {
      checks.push({
        name: `layer ${name} architecture`,
        status: 'failed',
        detail: `built for ${layer.compatibleArchitectures.join(', ')}, the function runs ${live.architectures.join(', ')}`,
      });
      cause(
        'architecture or runtime mismatch',
        `${name} is for ${layer.compatibleArchitectures.join(', ')}; the function runs ${live.architectures.join(', ')}`,
      );
    }
    if (live && layer.compatibleRuntimes?.length && !layer.compatibleRuntimes.includes(live.runtime)) {
      checks.push({
        name: `layer ${name} runtime`,
        status: 'failed',
        detail: `compatible with ${layer.compatibleRuntimes.join(', ')}, the function runs ${live.runtime}`,
      });
      cause('architecture or runtime mismatch', `${name} is for ${layer.compatibleRuntimes.join(', ')}; the function runs ${live.runtime}`);
    }
    if (layer.content && layer.expected) {
      if ('entries' in layer.content) {
        const entries = new Set(layer.content.entries.map(comparableEntry));
        const absent = layer.expected.filter((item) => !entries.has(comparableEntry(item.entry))).map((item) => item.pkg);
        checks.push({
          name: `layer ${name} packages`,
          status: status(absent.length === 0),
          detail: absent.length
            ? `missing from the zip: ${absent.join(', ')}`
            : `all ${layer.expected.length} packages of ${layer.reference?.packages ?? 'the build'} are in the zip`,
        });
        if (absent.length) cause('package missing from a layer', `${name} lacks ${absent.join(', ')}`);
      } else {
        checks.push({ name: `layer ${name} packages`, status: 'skipped', detail: `not checked: ${layer.content.unavailable}` });
      }
    } else if (layer.own) {
      checks.push({
        name: `layer ${name} packages`,
        status: 'skipped',
        detail: `not checked: ${layer.unchecked?.packages ?? 'the build manifest does not list this layer'}`,
      });
    }
  }

  for (const step of facts.api) checks.push({ name: `API ${step.step}`, status: status(step.ok), detail: step.detail });
  const health = facts.api.find((step) => step.step === 'health');
  if (health && !health.ok && /HTTP 0 no answer/.test(health.detail)) cause('API not reachable', health.detail);
  for (const module of missingModulesIn(facts.logs)) cause('package missing from a layer', `the function log says it cannot import ${module}`);
  const platform = facts.logs.find((line) => PLATFORM_ERRORS.test(line));
  if (platform) cause('architecture or runtime mismatch', `the function log says: ${platform.trim()}`);

  const counts = countChecks(checks);
  const ok = counts.failed === 0 && (!options.strict || counts.skipped === 0) && facts.api.length === API_STEPS.length;
  return { ok, checks, counts, causes };
}
