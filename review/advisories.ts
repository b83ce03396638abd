import { normalisePythonName } from '../families/python/pep508';

/**
 * Known advisories for the versions a layer is locked to, as pip-audit reports them (from the
 * index's vulnerability data, or an OSV service), judged against the advisories a layer accepts
 * (layers/<layer>/advisories.json, each with the reason). Pure: the shell runs pip-audit.
 */

export interface Advisory {
  readonly id: string;
  readonly aliases: readonly string[];
  /** Versions that fix it, oldest first; empty when there is no fix. */
  readonly fixVersions: readonly string[];
  readonly summary?: string;
}

export interface AdvisoryFinding {
  readonly name: string;
  readonly version: string;
  readonly advisory: Advisory;
  /** Why the layer accepts it, from its advisories.json; absent when it is not accepted. */
  readonly accepted?: string;
}

export interface LockAudit {
  readonly layer: string;
  /** e.g. python3.12-x86_64. */
  readonly target: string;
  /** The lock file, project-relative. */
  readonly file: string;
  /** `audited` when the service answered for at least one distribution; `skipped` when it could not be asked or answered for none. */
  readonly status: 'audited' | 'skipped';
  /** Why nothing was audited. */
  readonly reason?: string;
  readonly distributions: number;
  readonly findings: readonly AdvisoryFinding[];
  /** Distributions the service had no answer for, and why. */
  readonly notAudited: readonly { readonly name: string; readonly reason: string }[];
}

/** What pip-audit prints with `--format json` (with --aliases and --desc on). */
export interface PipAuditReport {
  readonly dependencies: readonly {
    readonly name: string;
    readonly version?: string;
    readonly skip_reason?: string;
    readonly vulns?: readonly {
      readonly id: string;
      readonly fix_versions?: readonly string[];
      readonly aliases?: readonly string[];
      readonly description?: string;
    }[];
  }[];
}

/** A layer's accepted advisories: advisory id (or any of its aliases) -> why it is accepted. */
export type AcceptedAdvisories = Readonly<Record<string, string>>;

/** Reads layers/<layer>/advisories.json: `{ "accepted": { "<id>": "<reason>" } }`; every reason must say something. */
export function parseAcceptedAdvisories(text: string): AcceptedAdvisories | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `is not valid JSON (${(error as Error).message})`;
  }
  const accepted = (parsed as { accepted?: unknown })?.accepted;
  const keys = parsed && typeof parsed === 'object' ? Object.keys(parsed) : [];
  if (
    keys.some((key) => key !== 'accepted') ||
    !accepted ||
    typeof accepted !== 'object' ||
    !Object.values(accepted).every((reason) => typeof reason === 'string' && reason.trim().length >= 10)
  ) {
    return 'may hold only "accepted": an object of advisory ids, each with the reason it is accepted (a sentence, not a placeholder)';
  }
  return accepted as AcceptedAdvisories;
}

/** pip-audit's report on one lock, judged: each advisory, accepted or not; what could not be audited; `skipped` when nothing could. */
export function judgeAudit(where: Pick<LockAudit, 'layer' | 'target' | 'file'>, report: PipAuditReport, accepted: AcceptedAdvisories): LockAudit {
  const findings: AdvisoryFinding[] = [];
  const notAudited: { name: string; reason: string }[] = [];
  for (const dependency of report.dependencies) {
    if (dependency.skip_reason !== undefined) {
      notAudited.push({ name: dependency.name, reason: dependency.skip_reason });
      continue;
    }
    for (const vuln of dependency.vulns ?? []) {
      const advisory: Advisory = {
        id: vuln.id,
        aliases: [...(vuln.aliases ?? [])].filter((alias) => alias !== vuln.id).sort(),
        fixVersions: [...(vuln.fix_versions ?? [])],
        ...(vuln.description ? { summary: vuln.description } : {}),
      };
      const reason = [advisory.id, ...advisory.aliases].map((id) => accepted[id]).find((text) => text !== undefined);
      findings.push({ name: dependency.name, version: dependency.version ?? '', advisory, ...(reason ? { accepted: reason } : {}) });
    }
  }
  const audited = report.dependencies.length - notAudited.length;
  const reasons = [...new Set(notAudited.map((entry) => entry.reason.replace(/: [^:]*$/, '')))];
  return {
    ...where,
    status: audited > 0 || report.dependencies.length === 0 ? 'audited' : 'skipped',
    ...(audited === 0 && report.dependencies.length > 0
      ? { reason: `the service answered for none of its ${report.dependencies.length} distributions (${reasons.join('; ')})` }
      : {}),
    distributions: report.dependencies.length,
    findings: findings.sort((a, b) => (a.name === b.name ? (a.advisory.id < b.advisory.id ? -1 : 1) : a.name < b.name ? -1 : 1)),
    notAudited: audited > 0 ? notAudited : [],
  };
}

/** The audit of a lock that could not run at all (the service unreachable, pip-audit failing). */
export function auditNotRun(where: Pick<LockAudit, 'layer' | 'target' | 'file'>, distributions: number, reason: string): LockAudit {
  return { ...where, status: 'skipped', reason, distributions, findings: [], notAudited: [] };
}

/** One advisory in a line: its id, aliases, and the fix. */
export function advisoryText(finding: AdvisoryFinding): string {
  const aliases = finding.advisory.aliases.length ? ` (${finding.advisory.aliases.join(', ')})` : '';
  const fix = finding.advisory.fixVersions.length ? `fixed in ${finding.advisory.fixVersions.join(', ')}` : 'no fixed version';
  return `${finding.advisory.id}${aliases}, ${fix}`;
}

/** The findings no layer accepts, by `name==version` (normalised), for the review of what a deploy publishes. */
export function openAdvisories(audits: readonly LockAudit[]): Map<string, AdvisoryFinding[]> {
  const open = new Map<string, AdvisoryFinding[]>();
  for (const audit of audits) {
    for (const finding of audit.findings) {
      if (finding.accepted) continue;
      const key = `${normalisePythonName(finding.name)}==${finding.version}`;
      const known = open.get(key) ?? [];
      if (!known.some((other) => other.advisory.id === finding.advisory.id)) open.set(key, [...known, finding]);
    }
  }
  return open;
}
