import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerSourceInvalid } from '../../builder/errors';
import { auditServiceUnknown } from './errors';
import { toPosix } from '../../project/paths';
import { runCommand } from '../../project/run-command';
import { PythonToolchain, ensurePythonToolchain } from './toolchain';
import { EnvironmentConfig } from '../../config/environments';
import { FamilyAdvisories, PluginProject } from '../plugin';
import { PythonRuntime, pythonFamily, pythonVersionOf } from './definition';
import { lockTargetKey } from './python-lock';
import { isPythonSource } from './python-source';
import { AcceptedAdvisories, Advisory, AdvisoryFinding, LockAudit, auditNotRun, openAdvisories, parseAcceptedAdvisories } from '../../review/advisories';

/**
 * Runs the toolchain's pip-audit on a Python layer's lock files (`-r <lock> --disable-pip`: the lock is
 * fully pinned and hashed, so nothing is resolved or installed) against the index's vulnerability data
 * (PyPI's JSON API, pip-audit's default) or an OSV service. Thin: one process per lock file.
 */

export const ADVISORIES_FILE = 'advisories.json';

export interface AuditSettings {
  readonly service: 'pypi' | 'osv';
  /** The OSV endpoint, for `osv` (pip-audit's default is https://api.osv.dev/v1/query). */
  readonly osvUrl?: string;
  readonly timeoutSeconds: number;
  /** pip-audit's HTTP cache. */
  readonly cacheDir: string;
}

/** The service from the options, else LAYERS_AUDIT_SERVICE and LAYERS_AUDIT_OSV_URL, else PyPI's data. */
export function auditSettings(env: NodeJS.ProcessEnv, cacheDir: string, options: { readonly service?: string; readonly osvUrl?: string } = {}): AuditSettings {
  const service = options.service ?? env['LAYERS_AUDIT_SERVICE'] ?? 'pypi';
  if (service !== 'pypi' && service !== 'osv') throw auditServiceUnknown(service, 'layers:audit');
  const osvUrl = options.osvUrl ?? env['LAYERS_AUDIT_OSV_URL'];
  return { service, ...(osvUrl ? { osvUrl } : {}), timeoutSeconds: 15, cacheDir };
}

export function pipAuditArgs(lockFile: string, settings: AuditSettings): string[] {
  return [
    '-m',
    'pip_audit',
    '--requirement',
    lockFile,
    '--disable-pip',
    '--format',
    'json',
    '--aliases',
    'on',
    '--desc',
    'on',
    '--progress-spinner',
    'off',
    '--timeout',
    String(settings.timeoutSeconds),
    '--cache-dir',
    settings.cacheDir,
    '--vulnerability-service',
    settings.service,
    ...(settings.service === 'osv' && settings.osvUrl ? ['--osv-url', settings.osvUrl] : []),
  ];
}

/** The advisories a layer accepts (its advisories.json); none when it has no such file. */
export function readAcceptedAdvisories(layerDir: string, folder: string): AcceptedAdvisories {
  const file = path.join(layerDir, ADVISORIES_FILE);
  if (!fs.existsSync(file)) return {};
  const parsed = parseAcceptedAdvisories(fs.readFileSync(file, 'utf8'));
  if (typeof parsed === 'string')
    throw layerSourceInvalid(folder, `${ADVISORIES_FILE} ${parsed}, e.g. {"accepted": {"GHSA-xxxx-xxxx-xxxx": "why this layer may keep it"}}.`);
  return parsed;
}

export interface AuditedLayer {
  readonly name: string;
  readonly dir: string;
  /** The lock files, by target key, each with its number of distributions. */
  readonly locks: Readonly<Record<string, { readonly file: string; readonly target: { readonly distributions: readonly unknown[] } }>>;
}

/** Every lock of every layer given, audited; a lock the service could not be asked about is `skipped`, with why. */
export async function auditLayers(
  layers: readonly AuditedLayer[],
  options: {
    readonly toolchain: PythonToolchain;
    readonly settings: AuditSettings;
    readonly env: NodeJS.ProcessEnv;
    readonly projectRoot: string;
    readonly progress?: (line: string) => void;
  },
): Promise<LockAudit[]> {
  const audits: LockAudit[] = [];
  for (const layer of layers) {
    const accepted = readAcceptedAdvisories(layer.dir, toPosix(path.relative(options.projectRoot, layer.dir)));
    for (const key of Object.keys(layer.locks).sort()) {
      const lock = layer.locks[key];
      const file = path.join(layer.dir, lock.file);
      const where = { layer: layer.name, target: key, file: toPosix(path.relative(options.projectRoot, file)) };
      options.progress?.(`pip-audit ${where.file}`);
      const result = await runCommand(options.toolchain.python, pipAuditArgs(file, options.settings), { env: options.env, cwd: layer.dir });
      let report: PipAuditReport | undefined;
      try {
        report = JSON.parse(result.stdout) as PipAuditReport;
      } catch {
        report = undefined;
      }
      if (!report || !Array.isArray(report.dependencies)) {
        const last =
          result.output
            .trim()
            .split('\n')
            .filter((line) => line.trim())
            .pop() ?? `exit code ${result.code}`;
        audits.push(auditNotRun(where, lock.target.distributions.length, `pip-audit could not ask ${serviceName(options.settings)}: ${last.trim()}`));
        continue;
      }
      audits.push(judgeAudit(where, report, accepted));
    }
  }
  return audits;
}

export function serviceName(settings: AuditSettings): string {
  return settings.service === 'osv'
    ? `the OSV service ${settings.osvUrl ?? 'https://api.osv.dev/v1/query'}`
    : "PyPI's vulnerability data (https://pypi.org/pypi/<name>/<version>/json)";
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

/**
 * The plan review's advisories (pythonPlugin.advisories): the versions the environment's Python layers are locked to for
 * its target, against known advisories: the ones no layer accepts, by package URL, and what could not be looked up.
 */
export async function environmentAdvisories(project: PluginProject, environment: EnvironmentConfig, buildDir: string): Promise<FamilyAdvisories> {
  const { env } = project;
  const settings = auditSettings(env, path.join(buildDir, 'cache', 'pip-audit'));
  const target = lockTargetKey({ pythonVersion: pythonVersionOf(environment.runtime as PythonRuntime), architecture: environment.architecture });
  const layers = project
    .layerSources()
    .filter(isPythonSource)
    .filter((source) => environment.layers.includes(source.name) && source.locks?.[target])
    .map((source) => ({ name: source.name, dir: source.dir, locks: { [target]: source.locks![target] } }));
  try {
    const toolchain = await ensurePythonToolchain({ env, projectRoot: project.home });
    const audits = await auditLayers(layers, { toolchain, settings, env, projectRoot: project.root });
    const skipped = audits.filter((audit) => audit.status === 'skipped');
    const found = audits.flatMap((audit) => audit.findings);
    const notes = skipped.length
      ? [`known advisories could not be looked up for ${skipped.map((audit) => `${audit.layer} ${audit.target}`).join(', ')}: ${skipped[0].reason}`]
      : [
          `known advisories from ${serviceName(settings)}: ${found.filter((finding) => !finding.accepted).length} open, ${found.filter((finding) => finding.accepted).length} accepted, for ${audits.length} lock(s)`,
        ];
    return { open: openAdvisories(audits, pythonFamily), notes };
  } catch (error) {
    return { open: new Map(), notes: [`known advisories could not be looked up: ${(error as Error).message.split('\n')[0]}`] };
  }
}
