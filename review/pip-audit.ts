import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerSourceInvalid } from '../builder/errors';
import { auditServiceUnknown } from '../project/errors';
import { toPosix } from '../project/paths';
import { runCommand } from '../project/run-command';
import { PythonToolchain } from '../toolchain/python-toolchain';
import { AcceptedAdvisories, LockAudit, PipAuditReport, auditNotRun, judgeAudit, parseAcceptedAdvisories } from './advisories';

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
