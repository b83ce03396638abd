import { configFor } from './support/project-config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { artifactsForEnvironment, deploymentOf } from '../builder/artifact-check';
import { runBuild } from '../builder/build';
import { readAllLayerSources } from '../builder/layer-folders';
import { listLayerFolders } from '../config/config-sources';
import { loadConfig } from '../config/load-config';
import { familyRegistry } from '../families/registry';
import { PLUGINS } from '../family-plugins/registry';
import { silentProgress } from '../project/progress';
import { assertDeployable } from '../rules';
import { ApiStack } from '../stacks/api-stack';
import { PROJECT_ROOT, makeTempDir } from './support/processes';
import { rubyPlugin } from './support/ruby-family';

/**
 * A new runtime family is one folder and one registry entry: the test-only Ruby family (__tests__/support/ruby-family)
 * goes through the configuration, the build, the deployment rules and synth with nothing else in the project changed.
 */
describe('a runtime family registered by a test', () => {
  const families = familyRegistry([...PLUGINS.families, rubyPlugin]);

  function rubyProject(requires: string[]): string {
    const root = makeTempDir('ruby-family-');
    fs.mkdirSync(path.join(root, 'layers', 'gems', 'gems', 'tzinfo-2.0.6', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(root, 'layers', 'gems', 'Gemfile'), "source 'https://rubygems.org'\ngem 'tzinfo', '2.0.6'\n");
    fs.writeFileSync(path.join(root, 'layers', 'gems', 'gems', 'tzinfo-2.0.6', 'lib', 'tzinfo.rb'), 'module TZInfo; end\n');
    fs.mkdirSync(path.join(root, 'handlers', 'ruby_api'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'handlers', 'ruby_api', 'app.rb'),
      `${requires.map((name) => `require '${name}'`).join('\n')}\n\ndef handler(event:, context:)\n  { statusCode: 200, body: 'ok' }\nend\n`,
    );
    return root;
  }

  const configOf = (root: string) =>
    loadConfig({ families, context: { defaults: { function: 'ruby' } }, env: {}, availableLayers: listLayerFolders(families, root) });

  it('is refused by the shipped registry and taken by the one that lists it', () => {
    const root = rubyProject(['tzinfo']);
    expect(() => configFor(root, { defaults: { function: 'ruby' } })).toThrow(/function is "ruby" .*allowed: one of "nodejs", "python"/);
    const config = configOf(root);
    expect(config.environments.map((env) => [env.name, env.function, env.runtime, env.layers])).toEqual([
      ['dev', 'ruby', 'ruby3.3', ['gems']],
      ['staging', 'ruby', 'ruby3.3', ['gems']],
      ['prod', 'ruby', 'ruby3.3', ['gems']],
    ]);
  });

  it('builds its layer and function, passes the rules, and synthesises a function on its runtime with its layer', async () => {
    const root = rubyProject(['tzinfo', 'json', 'aws-sdk-dynamodb']);
    const buildDir = path.join(root, '.build');
    const config = configOf(root);
    const report = await runBuild({
      families,
      projectRoot: root,
      toolHome: PROJECT_ROOT,
      buildDir,
      config,
      progress: silentProgress,
      env: process.env,
      onlyUsed: true,
    });
    expect(report.layers.map((layer) => layer.id)).toEqual(['gems/ruby-x86_64']);
    expect(report.manifest.layers[0].packages.map((pkg) => `${pkg.name} ${pkg.version}`)).toEqual(['tzinfo 2.0.6']);
    expect(report.bundles.map((bundle) => [bundle.id, bundle.handler, bundle.imports.map((imported) => imported.module)])).toEqual([
      ['api/ruby3.3', 'app.handler', ['tzinfo', 'json', 'aws-sdk-dynamodb']],
    ]);
    expect(fs.existsSync(path.join(buildDir, report.manifest.layers[0].treeDir, 'ruby/gems/3.3.0/gems/tzinfo-2.0.6/lib/tzinfo.rb'))).toBe(true);

    // Synth, as main.ts does it: the artifacts checked against the sources, the rules once, then the stack.
    const sources = readAllLayerSources(families, root);
    const env = config.environments[0];
    const artifacts = artifactsForEnvironment(families, env, report.manifest, sources, buildDir, root);
    expect(assertDeployable([deploymentOf(families, env, artifacts)]).filter((finding) => finding.severity === 'error')).toEqual([]);
    const stack = new ApiStack(Testing.app(), env.stackName, {
      env,
      layers: artifacts.layers,
      bundle: artifacts.bundle,
      managedLayers: artifacts.managed,
      buildDirFromStack: '../../../.build',
      families,
    });
    const synthesised = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [fn] = Object.values(synthesised.resource['aws_lambda_function']);
    expect(fn).toMatchObject({ runtime: 'ruby3.3', handler: 'app.handler' });
    const [layer] = Object.values(synthesised.resource['aws_lambda_layer_version']);
    expect(layer).toMatchObject({ compatible_runtimes: ['ruby3.3'], compatible_architectures: ['x86_64'] });
  });

  it('refuses an import its layers do not provide, as the seed incident is refused for Python', async () => {
    const root = rubyProject(['tzinfo', 'mangum_rb']);
    const buildDir = path.join(root, '.build');
    await expect(
      runBuild({
        families,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir,
        config: configOf(root),
        progress: silentProgress,
        env: process.env,
        onlyUsed: true,
      }),
    ).rejects.toThrow(
      'app.rb:2 imports mangum_rb, and nothing the function gets provides it: layers gems (tzinfo 2.0.6; 1 package in all); the ruby3.3 runtime (the Ruby ' +
        'standard library and the AWS SDK for Ruby). On Lambda every request would fail with Init error: cannot load such file -- mangum_rb (LoadError). ' +
        "Add gem 'mangum_rb' to layers/gems/Gemfile and vendor it under gems/, or attach a layer that provides it.",
    );
  });
});
