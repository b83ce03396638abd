import { readManifest } from '../../artifacts/manifest';
import { checkLayerImports } from '../../local-lambda/layer-import-check';
import { builtLayerUnknown } from '../../project/errors';
import { Command, writeJson } from '../command';

export const checkLayersCommand: Command = {
  usage: 'npm run check:layers -- [--layer <name or id>] [--build-dir <dir>] [--json]',
  help: `The seed's import test, automated. Each built layer is laid out alone where Lambda
puts layers (/opt), with nothing else on the module path, and every package it
provides is imported: Node.js packages by ES import (through NODE_PATH, as Lambda's
runtime resolves them) or require, under the runtime's Node major; Python modules by
an interpreter of the layer's Python version. Where that interpreter is not on this
machine, or a module is compiled for the other architecture, the check says what it
could not run and why. Exit code 1 only when an import really fails.`,
  options: {
    layer: { type: 'string', value: '<name|id>', describe: 'check only this layer (e.g. dependencies, or dependencies/python3.12-x86_64)' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print the results as JSON on stdout' },
  },
  async run(values, _positionals, { project, env, err, out }) {
    const config = project.config();
    const buildDir = project.buildDir(values['build-dir'] as string | undefined);
    const manifest = readManifest(buildDir);
    const wanted = values['layer'] as string | undefined;
    const layers = manifest.layers.filter((layer) => !wanted || layer.id === wanted || layer.name === wanted);
    const unbuilt = (manifest.unbuilt ?? []).filter((layer) => !wanted || layer.id === wanted || layer.id.startsWith(`${wanted}/`));
    if (wanted && layers.length === 0 && unbuilt.length === 0) {
      throw builtLayerUnknown(
        wanted,
        manifest.layers.map((layer) => layer.id),
        'check:layers',
      );
    }
    const step = err.step(`import the packages of ${layers.length} layer(s)`);
    const checks = await checkLayerImports(project.families, layers, buildDir, project.root, config, env);
    const failed = checks.filter((check) => check.status === 'failed');
    step.done(`${checks.length - failed.length} passed or skipped, ${failed.length} failed`);
    for (const check of checks) {
      if (check.status === 'passed') {
        err.line(
          `${err.green('✓')} ${check.layer}: ${check.imported.length} imported with ${check.interpreter}${check.skipped.length ? `, ${check.skipped.length} not checked` : ''}`,
        );
      } else if (check.status === 'failed') {
        err.line(
          `${err.red('✗')} ${check.layer}: ${check.failures.length} of ${check.failures.length + check.imported.length} failed with ${check.interpreter ?? 'its interpreter'}`,
        );
        for (const failure of check.failures) err.line(`    ${failure.module}: ${failure.error}`);
      } else {
        err.line(`${err.yellow('-')} ${check.layer}: not checked: ${check.skipped.map((skip) => skip.reason).join('; ')}`);
      }
      for (const skip of check.status !== 'skipped' ? check.skipped : []) err.line(`    ${skip.module}: not checked: ${skip.reason}`);
    }
    for (const layer of unbuilt) err.line(`${err.yellow('-')} ${layer.id}: not checked: not built (${layer.reason})`);
    if (values['json']) writeJson(out, { checks, unbuilt });
    return failed.length ? 1 : 0;
  },
};
