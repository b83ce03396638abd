import { PackageChange, LayerContents, ReviewFamilies, diffLayerContents } from '../review/layer-packages';
import { aliasShares, FunctionVersionSeen, AliasSeen } from './readings';

/**
 * Drift, in packages: what each function's alias runs, against what the repository would deploy now (this build's
 * bundles and layers, made from its locks) and against what the retained deployments made. Every difference is a
 * sentence a person on call reads ("prod api: layer dependencies runs fastapi 0.115.0, the lock says 0.120.4"); a
 * check that could not be made says why. Pure.
 */

/** A layer of this build, as a function attaches it. */
export interface ExpectedLayer {
  /** The layer's folder (layers/<folder>), or a managed layer's name. */
  readonly folder: string;
  /** Its name in AWS. */
  readonly layerName: string;
  /** A managed layer's pinned ARN; absent for the environment's own layers. */
  readonly arn?: string;
  /** An own layer's contents (content hash and packages), from this build's manifest. */
  readonly contents?: LayerContents;
}

/** What the repository would deploy for a function: its bundle's content hash and its layers in order. */
export interface ExpectedFunction {
  readonly codeHash: string;
  readonly layers: readonly ExpectedLayer[];
}

/** A layer version a live function version runs, as Lambda and the artifact bucket describe it. */
export interface LiveLayer {
  readonly arn: string;
  /** False when the version was deleted (the function still runs it; nothing can attach it again). */
  readonly exists: boolean;
  /** The environment's layer folder behind it; absent for anyone else's layer. */
  readonly folder?: string;
  /** What it holds: its stored manifest, else its description's direct packages. */
  readonly contents?: LayerContents;
  /** Why Lambda could not describe it (another account's version, not shared with this one). */
  readonly unreadable?: string;
  /** Where its stored manifest and SBOM are, when they are. */
  readonly manifest?: string;
  readonly sbom?: string;
}

/** One of the environment's functions: what runs, what would be deployed, what deployments recorded. */
export interface DriftInput {
  /** Its name in the configuration. */
  readonly name: string;
  readonly functionName: string;
  /** What its alias runs; `exists: false` when Lambda has no such function. */
  readonly live: { readonly exists: boolean; readonly alias?: AliasSeen; readonly versions: readonly FunctionVersionSeen[] };
  /** Absent when the repository no longer deploys it. */
  readonly expected?: ExpectedFunction;
  /** Why what it runs could not be read (a function outside the configuration, which the roles may not read). */
  readonly unreadable?: string;
  /** What the retained deployments made of it, newest first: each one's code SHA-256 and layer ARNs. */
  readonly recorded: readonly { readonly serial: number; readonly codeSha256: string; readonly layers: readonly string[] }[];
}

export type DriftKind =
  | 'not-deployed'
  | 'no-alias'
  | 'not-in-repository'
  | 'code-outside'
  | 'code-differs'
  | 'layer-packages'
  | 'layer-missing'
  | 'layer-extra'
  | 'layer-by-hand'
  | 'layer-deleted'
  | 'unchecked';

export interface DriftFinding {
  readonly function: string;
  readonly kind: DriftKind;
  /** The function version it is about, when the alias routes to more than one. */
  readonly version?: string;
  readonly layer?: string;
  readonly changes?: readonly PackageChange[];
  /** The whole sentence, prefixed with the environment and the function. */
  readonly message: string;
}

/** One layer of a live version, as the report shows it. */
export interface LiveLayerReport {
  readonly arn: string;
  readonly contentHash?: string;
  readonly packages?: LayerContents['source'];
  readonly manifest?: string;
  readonly sbom?: string;
}

export interface FunctionDrift {
  readonly name: string;
  readonly functionName: string;
  /** What the alias runs: each version it routes to, its share, code SHA-256, code content hash and layers. */
  readonly live: readonly {
    readonly version: string;
    readonly share: number;
    readonly codeSha256?: string;
    readonly codeHash?: string;
    readonly layers: readonly LiveLayerReport[];
  }[];
  readonly findings: readonly DriftFinding[];
}

export interface DriftReport {
  readonly environment: string;
  readonly functions: readonly FunctionDrift[];
  /** True when any function has a finding other than `unchecked`. */
  readonly drift: boolean;
}

/** The code content hash a function's description carries (`...; code <hash16>`), as the stacks write it. */
export function codeHashInDescription(description: string | undefined): string | undefined {
  return description ? /\bcode ([0-9a-f]{16,64})\b/.exec(description)?.[1] : undefined;
}

const percent = (share: number): string => `${Math.round(share * 1000) / 10}%`;

const shortSha = (sha: string | undefined): string => (sha ? sha.slice(0, 12) : 'unknown');

function changeText(change: PackageChange): string {
  switch (change.kind) {
    case 'added':
      return `runs no ${change.name}, the lock adds ${change.to}`;
    case 'removed':
      return `runs ${change.name} ${change.from}, which the lock no longer has`;
    default:
      return `runs ${change.name} ${change.from}, the lock says ${change.to}`;
  }
}

/** The findings for one version of a function that its alias routes to. */
function versionFindings(
  input: DriftInput,
  seen: FunctionVersionSeen,
  prefix: string,
  version: string | undefined,
  live: ReadonlyMap<string, LiveLayer>,
  families: ReviewFamilies,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const add = (kind: DriftKind, what: string, extra: Partial<DriftFinding> = {}): void => {
    findings.push({ function: input.name, kind, ...(version ? { version } : {}), ...extra, message: prefix + what });
  };
  // Code: made by a deployment (any retained one: promote may point live at an older version), and as this build makes it.
  if (seen.codeSha256 && input.recorded.length && !input.recorded.some((deployment) => deployment.codeSha256 === seen.codeSha256)) {
    add(
      'code-outside',
      `code changed outside Terraform (SHA-256 ${shortSha(seen.codeSha256)} of version ${seen.version} is no retained deployment's; the last deployment's is ${shortSha(input.recorded[0].codeSha256)})`,
    );
  } else if (!input.recorded.length) {
    add('unchecked', 'code not checked against the deployments: no retained deployment records this function');
  }
  const liveHash = codeHashInDescription(seen.description);
  if (input.expected) {
    if (!liveHash) add('unchecked', `code not compared with this build: version ${seen.version}'s description names no code content hash`);
    else if (!input.expected.codeHash.startsWith(liveHash)) {
      add('code-differs', `code ${liveHash.slice(0, 16)} runs, this build makes ${input.expected.codeHash.slice(0, 16)}`);
    }
  }
  // Layers: each own layer by its folder, each managed one by its ARN, in the build's order.
  const attachedByHand = new Set(seen.layers.filter((arn) => input.recorded.length && !input.recorded.some((deployment) => deployment.layers.includes(arn))));
  for (const arn of attachedByHand) add('layer-by-hand', `layer ${arn} attached by hand: no retained deployment attached it`, { layer: arn });
  for (const arn of seen.layers) {
    if (live.get(arn)?.exists === false)
      add('layer-deleted', `layer ${arn} was deleted; the function still runs it, but no deploy or rollback can attach it again`, { layer: arn });
  }
  if (!input.expected) return findings;
  const matched = new Set<string>();
  for (const layer of input.expected.layers) {
    const arn = seen.layers.find((candidate) => (layer.arn ? candidate === layer.arn : live.get(candidate)?.folder === layer.folder));
    if (!arn) {
      const runs = layer.arn ? seen.layers.find((candidate) => candidate.startsWith(layer.arn!.replace(/:\d+$/, ':'))) : undefined;
      add(
        'layer-missing',
        runs ? `layer ${layer.folder} runs ${runs}, this build attaches ${layer.arn}` : `layer ${layer.folder} is not attached; this build attaches it`,
        {
          layer: layer.folder,
        },
      );
      if (runs) matched.add(runs);
      continue;
    }
    matched.add(arn);
    if (layer.arn || !layer.contents) continue;
    const contents = live.get(arn)?.contents;
    if (!contents) {
      const why =
        live.get(arn)?.unreadable ??
        (live.get(arn)?.exists === false
          ? 'it was deleted, and no retained deployment records its content'
          : 'its description names no content hash and no manifest is stored for it');
      add('unchecked', `layer ${layer.folder} (${arn}) not compared: ${why}`, {
        layer: layer.folder,
      });
      continue;
    }
    if (layer.contents.contentHash.startsWith(contents.contentHash.slice(0, 16))) continue;
    const diff = diffLayerContents(contents, layer.contents, families);
    const partial = diff.partial ? ` (${diff.partial})` : '';
    if (!diff.changes.length) {
      add(
        'layer-packages',
        `layer ${layer.folder} runs content ${contents.contentHash.slice(0, 16)}, this build makes ${layer.contents.contentHash.slice(0, 16)} with the same package versions${partial}`,
        {
          layer: layer.folder,
          changes: [],
        },
      );
      continue;
    }
    // Each direct package a sentence of its own; the packages they need, one sentence (the JSON has each).
    const direct = diff.changes.filter((change) => change.direct);
    const needed = diff.changes.filter((change) => !change.direct);
    for (const change of direct) add('layer-packages', `layer ${layer.folder} ${changeText(change)}${partial}`, { layer: layer.folder, changes: [change] });
    if (needed.length) {
      const shown = needed.slice(0, 3).map((change) => `${change.name} ${change.from ?? 'none'} → ${change.to ?? 'none'}`);
      add(
        'layer-packages',
        `layer ${layer.folder}: ${needed.length} package(s) the direct ones need differ from the lock (${shown.join(', ')}${needed.length > 3 ? `, and ${needed.length - 3} more` : ''})${partial}`,
        { layer: layer.folder, changes: needed },
      );
    }
  }
  for (const arn of seen.layers) {
    if (!matched.has(arn) && !attachedByHand.has(arn)) add('layer-extra', `layer ${arn} is attached; this build does not attach it`, { layer: arn });
  }
  return findings;
}

/** Drift of every function of an environment. */
export function driftOf(environment: string, inputs: readonly DriftInput[], live: ReadonlyMap<string, LiveLayer>, families: ReviewFamilies): DriftReport {
  // A function only a retained deployment names, gone from Lambda and from the repository, runs nowhere: nothing to say.
  const relevant = inputs.filter((input) => input.live.exists || input.expected);
  const functions = relevant.map((input): FunctionDrift => {
    const prefix = `${environment} ${input.name}: `;
    if (input.unreadable) {
      return {
        name: input.name,
        functionName: input.functionName,
        live: [],
        findings: [{ function: input.name, kind: 'unchecked', message: `${prefix}not compared: ${input.unreadable}` }],
      };
    }
    if (!input.live.exists) {
      // Never deployed (no retained deployment made it) is where a new environment starts, not drift; gone after a deploy made it is.
      const finding: DriftFinding = input.recorded.length
        ? {
            function: input.name,
            kind: 'not-deployed',
            message: `${prefix}not deployed: Lambda has no function ${input.functionName}, which serial ${input.recorded[0].serial} deployed and this build deploys`,
          }
        : {
            function: input.name,
            kind: 'unchecked',
            message: `${prefix}not deployed yet: Lambda has no function ${input.functionName}, and no retained deployment made one`,
          };
      return { name: input.name, functionName: input.functionName, live: [], findings: [finding] };
    }
    const findings: DriftFinding[] = [];
    if (!input.expected) {
      findings.push({
        function: input.name,
        kind: 'not-in-repository',
        message: `${prefix}runs in Lambda, but the repository no longer deploys it (the next deploy destroys it)`,
      });
    }
    if (!input.live.alias) {
      findings.push({ function: input.name, kind: 'no-alias', message: `${prefix}has no alias live; nothing routes requests to a published version` });
      return { name: input.name, functionName: input.functionName, live: [], findings };
    }
    // A version the alias sends no share of requests to (weights that add up to 1) runs nothing: listed, not judged.
    const shares = aliasShares(input.live.alias);
    const several = shares.length > 1;
    const report = shares.map(({ version, share }) => {
      const seen = input.live.versions.find((candidate) => candidate.version === version);
      const versionPrefix = several ? `${prefix}version ${version} (${percent(share)}): ` : prefix;
      if (seen && share > 0) findings.push(...versionFindings(input, seen, versionPrefix, several ? version : undefined, live, families));
      return {
        version,
        share,
        ...(seen?.codeSha256 ? { codeSha256: seen.codeSha256 } : {}),
        ...(codeHashInDescription(seen?.description) ? { codeHash: codeHashInDescription(seen?.description)! } : {}),
        layers: (seen?.layers ?? []).map((arn) => {
          const layer = live.get(arn);
          return {
            arn,
            ...(layer?.contents ? { contentHash: layer.contents.contentHash.slice(0, 16), packages: layer.contents.source } : {}),
            ...(layer?.manifest ? { manifest: layer.manifest } : {}),
            ...(layer?.sbom ? { sbom: layer.sbom } : {}),
          };
        }),
      };
    });
    return { name: input.name, functionName: input.functionName, live: report, findings };
  });
  return { environment, functions, drift: functions.some((fn) => fn.findings.some((finding) => finding.kind !== 'unchecked')) };
}

/** How many checks could not be made (the `unchecked` findings). */
export function uncheckedCount(report: DriftReport): number {
  return report.functions.reduce((sum, fn) => sum + fn.findings.filter((finding) => finding.kind === 'unchecked').length, 0);
}

/** The report as lines a person reads: each function, what its alias runs, then each difference. */
export function driftLines(report: DriftReport): string[] {
  const lines: string[] = [];
  for (const fn of report.functions) {
    const runs = fn.live
      .map(
        (version) =>
          `version ${version.version}${fn.live.length > 1 ? ` (${percent(version.share)})` : ''}, code ${version.codeHash ?? 'unknown'} (SHA-256 ${shortSha(version.codeSha256)})`,
      )
      .join('; ');
    lines.push(`${report.environment} ${fn.name} (${fn.functionName})${runs ? `: live runs ${runs}` : ''}`);
    const layers = [
      ...new Set(
        fn.live.flatMap((version) =>
          version.layers.map(
            (layer) =>
              `${layer.arn.split(':').slice(-2).join(':')}${layer.contentHash ? ` content ${layer.contentHash}` : ''}${layer.sbom ? ` (SBOM ${layer.sbom})` : ''}`,
          ),
        ),
      ),
    ];
    if (layers.length) lines.push(`    layers: ${layers.join(', ')}`);
    if (!fn.findings.length) lines.push('    as the repository would deploy it');
    for (const finding of fn.findings) lines.push(`  ${finding.kind === 'unchecked' ? '?' : '-'} ${finding.message}`);
  }
  const drifting = report.functions.filter((fn) => fn.findings.some((finding) => finding.kind !== 'unchecked'));
  const unchecked = uncheckedCount(report);
  // A check that could not be made is counted apart: never folded into "no drift".
  const notMade = unchecked ? `; ${unchecked} check(s) could not be made (the lines marked ?)` : '';
  lines.push(
    '',
    drifting.length
      ? `Drift: ${drifting.length} of ${report.functions.length} function(s) of ${report.environment} differ (${drifting.map((fn) => fn.name).join(', ')})${notMade}.`
      : unchecked
        ? `No drift found in what could be compared, in ${report.functions.length} function(s) of ${report.environment}${notMade}.`
        : `No drift: ${report.environment} runs what the repository would deploy, in ${report.functions.length} function(s).`,
  );
  return lines;
}

/** The report for a GitHub job summary: a heading with the verdict, then the same lines. */
export function driftMarkdown(stack: string, report: DriftReport, notes: readonly string[]): string {
  const verdict = report.drift
    ? 'differs from the repository'
    : uncheckedCount(report)
      ? `no drift found, ${uncheckedCount(report)} check(s) not made`
      : 'runs what the repository would deploy';
  return [
    `### Drift of ${stack}: ${verdict}`,
    '',
    '```',
    ...driftLines(report),
    '```',
    ...(notes.length ? ['', ...notes.map((note) => `> ${note}`)] : []),
    '',
  ].join('\n');
}
