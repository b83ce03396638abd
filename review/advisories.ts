import { purlOf } from '../artifacts/sbom';
import { FamilyDefinition } from '../families/family';

/**
 * Known advisories for the versions a layer is locked to, as a family's advisory tool reports them (pip-audit for
 * Python, from the index's vulnerability data or an OSV service), judged against the advisories a layer accepts
 * (layers/<layer>/advisories.json, each with the reason). Pure: the family's plug-in runs the tool.
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

/** The findings no layer accepts, by package URL with version (the family's spelling of the name), for the review of what a deploy publishes. */
export function openAdvisories(audits: readonly LockAudit[], family: FamilyDefinition): Map<string, AdvisoryFinding[]> {
  const open = new Map<string, AdvisoryFinding[]>();
  for (const audit of audits) {
    for (const finding of audit.findings) {
      if (finding.accepted) continue;
      const key = purlOf(family, finding);
      const known = open.get(key) ?? [];
      if (!known.some((other) => other.advisory.id === finding.advisory.id)) open.set(key, [...known, finding]);
    }
  }
  return open;
}
