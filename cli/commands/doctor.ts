import { deploymentOf } from '../../builder/artifact-check';
import { UncheckedImport } from '../../artifacts/manifest';
import { EnvironmentConfig } from '../../config/environments';
import { ImportCoverage, importCoverage } from '../../rules/import-coverage';
import { locationText, providerText } from '../../review/import-rows';
import { nativeCodeLoads } from '../../rules/native-code';
import { Command, writeJson } from '../command';
import { Output } from '../output';
import { environmentForStack } from '../../use-cases/stacks';

/** The rows as printed: module, where imported, and the provider or MISSING, with what guards the import. */
export function coverageTable(coverage: ImportCoverage, env: Pick<EnvironmentConfig, 'runtime'>, out: Pick<Output, 'red' | 'yellow' | 'dim'>): string[] {
  const cells = coverage.rows.map((row) => {
    const notes = [row.optional, row.lazy ? 'inside a function' : undefined].filter(Boolean);
    const provided = row.provider
      ? providerText(row.provider, env)
      : row.optional
        ? out.yellow(`missing, optional`)
        : out.red(row.problem ? `MISSING (${row.problem})` : 'MISSING');
    return [row.module, locationText(row), `${provided}${notes.length ? out.dim(`  (${notes.join(', ')})`) : ''}`];
  });
  const header = ['module', 'imported at', 'provided by'];
  const widths = [0, 1].map((column) => Math.max(header[column].length, ...cells.map((cell) => cell[column].length)));
  const line = (cell: string[]): string => `  ${cell[0].padEnd(widths[0])}  ${cell[1].padEnd(widths[1])}  ${cell[2]}`;
  return [line(header), ...cells.map(line)];
}

function uncheckedLines(unchecked: readonly UncheckedImport[]): string[] {
  return unchecked.map((call) => `  ${call.file}:${call.line}  ${call.call}  (a computed module name: not checked)`);
}

export const doctorCommand: Command = {
  usage: 'npm run doctor -- <stack> [--build-dir <dir>] [--json]',
  help: `The table behind the import coverage rule that \`npm run build\` and synth apply:
each module the function's code imports, where (file:line), and what provides it on
Lambda: an attached layer (and the package version in it), a managed layer, the
runtime itself (standard library and boto3, or Node.js built-ins and the AWS SDK v3),
or the function's own code; or MISSING. Below it, the declared dependencies of every
Python distribution in the attached layers (Requires-Dist, markers evaluated for the
runtime) that nothing provides. Reads the existing build (\`npm run build\` writes it,
also when the rule fails) and changes nothing.

Last, native code: every shared object of the layers and the bundle (read at build time)
against the environment's architecture, Python and operating system, as the native-code
rule judges it at build and synth.

Exit code 1 when a required import or a declared dependency is missing, or native code
would not load; an import guarded by try/except ImportError or if TYPE_CHECKING only
shows as optional.`,
  options: {
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: "print the table's data as JSON on stdout" },
  },
  allowPositionals: true,
  run(values, positionals, { project, err, out }) {
    const config = project.config();
    const environment = environmentForStack(config, positionals[0], 'doctor');
    const buildDir = project.buildDir(values['build-dir'] as string | undefined);
    const artifacts = project.builtArtifacts(environment, buildDir, { onDrift: (message) => err.warn(message) });
    const deployment = deploymentOf(project.families, environment, artifacts);
    const coverage = importCoverage(deployment);
    const missing = coverage.rows.filter((row) => !row.provider && !row.optional);
    const native = nativeCodeLoads(deployment);
    const nativeErrors = native.filter((finding) => finding.severity === 'error');
    const objects = [...artifacts.layers.flatMap((layer) => layer.nativeObjects ?? []), ...(artifacts.bundle.nativeObjects ?? [])].length;
    const failed = missing.length > 0 || coverage.gaps.length > 0 || nativeErrors.length > 0;
    const { bundle } = artifacts;
    if (values['json']) {
      writeJson(out, {
        stack: environment.stackName,
        runtime: environment.runtime,
        architecture: environment.architecture,
        bundle: bundle.id,
        readBy: bundle.importsReadBy,
        layers: artifacts.layers.map((layer) => ({ name: layer.name, id: layer.id, contentHash: layer.contentHash })),
        managed: artifacts.managed.map((layer) => ({ name: layer.name, arn: layer.arn })),
        ...coverage,
        unchecked: bundle.unchecked,
        missing: missing.length + coverage.gaps.length,
        nativeCode: { sharedObjects: objects, findings: native },
        ok: !failed,
      });
      return failed ? 1 : 0;
    }
    const write = (text: string): void => {
      out.write(`${text}\n`);
    };
    const layers = [
      ...artifacts.managed.map((layer) => `${layer.name} (managed)`),
      ...artifacts.layers.map((layer) => `${layer.name} ${layer.contentHash.slice(0, 12)}`),
    ];
    write(`${err.bold(environment.stackName)}  ${environment.runtime} ${environment.architecture}, bundle ${bundle.id}, layers ${layers.join(', ') || 'none'}`);
    write(err.dim(`imports read by ${bundle.importsReadBy}`));
    for (const row of coverageTable(coverage, environment, err)) write(row);
    if (bundle.unchecked.length) {
      write('Dynamic imports of a computed name, which no check can follow:');
      uncheckedLines(bundle.unchecked).forEach(write);
    }
    if (coverage.distributionsChecked > 0) {
      write(
        coverage.gaps.length === 0
          ? `Declared dependencies: every one of the ${coverage.distributionsChecked} distributions in the layers has what it requires.`
          : 'Declared dependencies that nothing attached provides:',
      );
      for (const gap of coverage.gaps) write(`  ${gap.distribution} ${gap.version} (layer ${gap.layer}) requires ${gap.requirement}: ${err.red('MISSING')}`);
      for (const conflict of coverage.conflicts) {
        write(
          `  ${conflict.distribution} ${conflict.version} (layer ${conflict.layer}) requires ${conflict.requirement}: ${err.yellow(`found ${conflict.found} in ${conflict.foundIn}`)}`,
        );
      }
    }
    for (const assumption of coverage.assumptions) err.warn(assumption);
    const platform = project.families.ofRuntime(environment.runtime).platform(environment.runtime);
    write(
      native.length === 0
        ? `Native code: ${objects} shared object(s) in the layers and the bundle, every one for ${environment.architecture} and ${platform.os} (glibc ${platform.glibc.join('.')}).`
        : `Native code: ${objects} shared object(s) in the layers and the bundle; these would not load, or may not:`,
    );
    for (const finding of native) write(`  ${finding.severity === 'error' ? err.red('ERROR') : err.yellow('warning')} ${finding.message}`);
    const optional = coverage.rows.filter((row) => !row.provider && row.optional).length;
    const missingImports = missing.length > 0 || coverage.gaps.length > 0;
    write(
      missingImports
        ? err.red(
            `${missing.length} import(s) and ${coverage.gaps.length} declared dependenc${coverage.gaps.length === 1 ? 'y' : 'ies'} missing: on Lambda this function would fail.`,
          )
        : `All ${coverage.rows.length - optional} required imports are provided${optional ? `; ${optional} optional one(s) are not` : ''}.`,
    );
    if (nativeErrors.length) write(err.red(`${nativeErrors.length} shared object(s) would not load: on Lambda this function would fail.`));
    return failed ? 1 : 0;
  },
};
