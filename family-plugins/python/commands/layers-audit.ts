import * as path from 'node:path';
import { notAPythonLayer } from '../errors';
import { LockAudit, advisoryText } from '../../../review/advisories';
import { ADVISORIES_FILE, auditLayers, auditSettings, serviceName } from '../audit';
import { ensurePythonToolchain } from '../toolchain';
import { Command, writeJson } from '../../../project/command';
import { PluginProject } from '../../plugin';
import { isPythonSource } from '../python-source';

export const layersAuditCommand: Command<PluginProject> = {
  usage: 'npm run layers:audit -- [<layer>...] [--service pypi|osv] [--osv-url <url>] [--strict] [--json]',
  help: `Runs the toolchain's pip-audit on every lock file of every Python layer (or the layers
named): each locked distribution and version against known advisories, from the index's
own vulnerability data (PyPI's JSON API, pip-audit's default) or an OSV service
(--service osv; --osv-url for your own; LAYERS_AUDIT_SERVICE and LAYERS_AUDIT_OSV_URL set
the same). Nothing is built or installed: the locks are fully pinned and hashed.

An advisory a layer keeps on purpose goes in layers/<layer>/${ADVISORIES_FILE}, with the reason:
{"accepted": {"GHSA-wj6h-64fc-37mp": "why the layer may keep it"}}. Accepted ones are shown,
not counted. A lock the service could not be asked about (unreachable, or it answered for
none of the distributions) is reported as skipped with the reason, never as clean; --strict
fails on it. Node.js layers are not audited here; their SBOMs (CycloneDX, beside each built
tree) are what a scanner such as osv-scanner reads.`,
  options: {
    service: { type: 'string', value: '<pypi|osv>', describe: 'where the advisories come from (default pypi, or LAYERS_AUDIT_SERVICE)' },
    'osv-url': { type: 'string', value: '<url>', describe: 'the OSV endpoint for --service osv (or LAYERS_AUDIT_OSV_URL)' },
    strict: { type: 'boolean', describe: 'exit code 1 when a lock could not be audited, too' },
    'build-dir': { type: 'string', value: '<dir>', describe: "where pip-audit's HTTP cache goes (default .build, or BUILD_DIR)" },
    json: { type: 'boolean', describe: "print every lock's audit as JSON on stdout" },
  },
  allowPositionals: true,
  async run(values, positionals, { project, env, err, out }) {
    const python = project.layerSources().filter(isPythonSource);
    for (const name of positionals) {
      if (!python.some((source) => source.name === name))
        throw notAPythonLayer(
          name,
          python.map((source) => source.name),
          'layers:audit',
        );
    }
    const chosen = python.filter((source) => positionals.length === 0 || positionals.includes(source.name));
    const unlocked = chosen.filter((source) => !source.locks);
    const settings = auditSettings(env, path.join(project.buildDir(values['build-dir'] as string | undefined), 'cache', 'pip-audit'), {
      ...(values['service'] !== undefined ? { service: values['service'] as string } : {}),
      ...(values['osv-url'] !== undefined ? { osvUrl: values['osv-url'] as string } : {}),
    });
    const step = err.step(`advisories from ${serviceName(settings)}`);
    const toolchain = await ensurePythonToolchain({ env, projectRoot: project.home, progress: (line) => step.update(line) });
    const audits = await auditLayers(
      chosen.filter((source) => source.locks).map((source) => ({ name: source.name, dir: source.dir, locks: source.locks! })),
      { toolchain, settings, env, projectRoot: project.root, progress: (line) => step.update(line) },
    );
    const open = audits.flatMap((audit) => audit.findings.filter((finding) => !finding.accepted));
    const skipped = audits.filter((audit) => audit.status === 'skipped');
    const verdict = `${open.length} open advisory finding(s), ${audits.flatMap((audit) => audit.findings).length - open.length} accepted, ${skipped.length} of ${audits.length} lock(s) skipped`;
    if (open.length) step.fail(verdict);
    else if (skipped.length) step.skip(verdict);
    else step.done(verdict);
    if (values['json'])
      writeJson(out, {
        service: settings.service,
        ...(settings.osvUrl ? { osvUrl: settings.osvUrl } : {}),
        ok: open.length === 0,
        audits,
        unlocked: unlocked.map((source) => source.name),
      });
    else out.write(renderAudits(audits, err));
    for (const source of unlocked)
      err.warn(`layer ${source.name} is not locked, so there are no versions to audit: run \`npm run layers:lock -- ${source.name}\`.`);
    if (skipped.length) err.warn(`${skipped.length} lock(s) could not be audited; that is not a clean result (see above; --strict fails on it).`);
    return open.length > 0 || (values['strict'] && (skipped.length > 0 || unlocked.length > 0)) ? 1 : 0;
  },
};

function renderAudits(
  audits: readonly LockAudit[],
  style: { red(text: string): string; yellow(text: string): string; dim(text: string): string; bold(text: string): string },
): string {
  const lines: string[] = [];
  for (const audit of audits) {
    const head = `${style.bold(`${audit.layer} ${audit.target}`)}  ${audit.file}, ${audit.distributions} distributions`;
    if (audit.status === 'skipped') {
      lines.push(`${head}: ${style.yellow('skipped')}, ${audit.reason}`);
      continue;
    }
    const clean = audit.findings.length === 0 ? ': no known advisories' : '';
    lines.push(`${head}${clean}`);
    for (const finding of audit.findings) {
      const mark = finding.accepted ? style.dim('accepted') : style.red('ADVISORY');
      lines.push(`  ${mark} ${finding.name} ${finding.version}: ${advisoryText(finding)}${finding.accepted ? ` (accepted: ${finding.accepted})` : ''}`);
    }
    if (audit.notAudited.length)
      lines.push(`  ${style.yellow('not audited')}: ${audit.notAudited.map((entry) => `${entry.name} (${entry.reason})`).join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
