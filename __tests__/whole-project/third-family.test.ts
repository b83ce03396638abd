import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorCodesOf } from '../../cli/error-codes';
import { commandsOf } from '../../cli/main';
import { listLayerFolders } from '../../config/config-sources';
import { loadConfig } from '../../config/load-config';
import { familyRegistry } from '../../families/registry';
import { PLUGINS } from '../../family-plugins/registry';
import { cliEnv, copyProject, request, runNpm, runProcess, startLocalServer } from '../support/processes';
import { configFor } from '../support/project-config';
import { shellPlugin } from '../support/shell-family';

/**
 * A new runtime family is one folder and one registry entry. The test-only shell family (__tests__/support/shell-family:
 * bash functions on Lambda's OS-only runtime, libraries vendored in layers) is copied into a copy of the project as
 * family-plugins/shell/, one entry is added to family-plugins/registry.ts, and the project's own commands run as a user
 * runs them: npm run build, npm run synth, npm start serving a request from bash, and a missing library refused.
 */

/** The registry entry a new family adds: its import and its name in the list. */
function registerShellFamily(root: string): void {
  const registry = path.join(root, 'family-plugins', 'registry.ts');
  const before = fs.readFileSync(registry, 'utf8');
  const after = before
    .replace("import { pythonPlugin } from './python';\n", "import { pythonPlugin } from './python';\nimport { shellPlugin } from './shell';\n")
    .replace('[nodejsPlugin, pythonPlugin]', '[nodejsPlugin, pythonPlugin, shellPlugin]');
  // Exactly the two edits: one import line added, one name added to the list.
  expect(after.split('\n').length - before.split('\n').length).toBe(1);
  expect(after).toContain('[nodejsPlugin, pythonPlugin, shellPlugin]');
  fs.writeFileSync(registry, after);
}

/**
 * The folder as it is in the repository, moved to family-plugins/shell/: an import that leaves the folder names the
 * same project file from its new place (one level less deep); an import inside the folder stays as it is.
 */
function installShellFamily(root: string): void {
  const from = path.join(root, '__tests__', 'support', 'shell-family');
  const target = path.join(root, 'family-plugins', 'shell');
  fs.cpSync(from, target, { recursive: true });
  for (const file of fs.readdirSync(target, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'))) {
    const [before, after] = [path.dirname(path.join(from, file)), path.dirname(path.join(target, file))];
    const rerooted = fs
      .readFileSync(path.join(target, file), 'utf8')
      .replace(/(from |require\(|import\()'(\.{1,2}\/[^']*)'/g, (whole, lead: string, specifier: string) => {
        const named = path.resolve(before, specifier);
        if (named === from || named.startsWith(from + path.sep)) return whole;
        const moved = path.relative(after, named).split(path.sep).join('/');
        return `${lead}'${moved.startsWith('.') ? moved : `./${moved}`}'`;
      });
    fs.writeFileSync(path.join(target, file), rerooted);
  }
  registerShellFamily(root);
}

/** A project whose API function is bash: one layer folder vendoring `greet`, the function sourcing what it is given. */
function writeShellProject(root: string, sourced: readonly string[]): void {
  for (const folder of fs.readdirSync(path.join(root, 'layers'))) fs.rmSync(path.join(root, 'layers', folder), { recursive: true });
  const tools = path.join(root, 'layers', 'tools');
  fs.mkdirSync(path.join(tools, 'vendor', 'greet-1.2.0'), { recursive: true });
  fs.writeFileSync(path.join(tools, 'Shellfile'), '# the libraries this layer vendors\ngreet 1.2.0\n');
  fs.writeFileSync(path.join(tools, 'vendor', 'greet-1.2.0', 'greet.sh'), 'greet() { printf "hello, %s, from bash %s" "$1" "${BASH_VERSINFO[0]}"; }\n');
  const handler = path.join(root, 'handlers', 'shell_api');
  fs.mkdirSync(handler, { recursive: true });
  fs.writeFileSync(
    path.join(handler, 'function.sh'),
    [
      ...sourced.map((name) => `. ${name}.sh`),
      '',
      'handler() {',
      '  local path',
      '  path=$(printf %s "$1" | sed -n \'s/.*"rawPath":"\\([^"]*\\)".*/\\1/p\')',
      '  printf \'{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\\\\"message\\\\":\\\\"%s\\\\",\\\\"path\\\\":\\\\"%s\\\\"}"}\' "$(greet layers)" "$path"',
      '}',
      '',
    ].join('\n'),
  );
  const cdktf = path.join(root, 'cdktf.json');
  fs.writeFileSync(cdktf, JSON.stringify({ ...JSON.parse(fs.readFileSync(cdktf, 'utf8')), context: { defaults: { function: 'shell' } } }, null, 2));
}

function shellProject(prefix: string, sourced: readonly string[]): string {
  const root = copyProject(prefix);
  installShellFamily(root);
  writeShellProject(root, sourced);
  return root;
}

describe('a third runtime family, added as one plug-in folder and one registry entry', () => {
  const families = familyRegistry([...PLUGINS.families, shellPlugin]);

  it('is unknown to the shipped registry, and the registry that lists it takes its configuration, commands and error codes', () => {
    const root = shellProject('shell-config', ['greet']);
    expect(() => configFor(root, { defaults: { function: 'shell' } })).toThrow(/function is "shell" .*allowed: one of "nodejs", "python"/);
    const config = loadConfig({ families, context: { defaults: { function: 'shell' } }, env: {}, availableLayers: listLayerFolders(families, root) });
    expect(config.environments.map((env) => [env.name, env.function, env.runtime, env.layers])).toEqual([
      ['dev', 'shell', 'provided.al2023', ['tools']],
      ['staging', 'shell', 'provided.al2023', ['tools']],
      ['prod', 'shell', 'provided.al2023', ['tools']],
    ]);
    expect(commandsOf(families).map((command) => command.name)).toContain('shell:packages');
    expect(commandsOf(PLUGINS).map((command) => command.name)).not.toContain('shell:packages');
    expect(errorCodesOf(families)).toEqual(expect.arrayContaining(['SHELLFILE_INVALID', 'BASH_NOT_FOUND']));
  });

  describe('through the project commands, in a copy with the folder in family-plugins/', () => {
    let root: string;
    beforeAll(() => {
      root = shellProject('shell-family', ['greet']);
    });

    it('npm run build builds its layer and its function, and reads what the function sources', async () => {
      const result = await runNpm(root, 'build', ['--json']);
      expect(result).toMatchObject({ code: 0 });
      const report = JSON.parse(result.stdout);
      expect(report.layers.map((layer: { id: string }) => layer.id)).toEqual(['tools/shell-x86_64']);
      expect(
        report.bundles.map((bundle: { id: string; handler: string; imports: { module: string }[] }) => [
          bundle.id,
          bundle.handler,
          bundle.imports.map((imported) => imported.module),
        ]),
      ).toEqual([['api/provided.al2023', 'function.handler', ['greet']]]);
      const manifest = JSON.parse(fs.readFileSync(path.join(report.buildDir, 'manifest.json'), 'utf8'));
      expect(manifest.layers[0].packages.map((pkg: { name: string; version: string }) => `${pkg.name} ${pkg.version}`)).toEqual(['greet 1.2.0']);
      expect(fs.readFileSync(path.join(report.buildDir, manifest.layers[0].treeDir, 'bin', 'greet.sh'), 'utf8')).toContain('greet()');
    });

    it('npm run synth synthesises every environment: its function on provided.al2023 with its layer', async () => {
      const result = await runNpm(root, 'synth');
      expect(result).toMatchObject({ code: 0 });
      const stacks = fs.readdirSync(path.join(root, 'cdktf.out', 'stacks'));
      for (const env of ['dev', 'staging', 'prod']) {
        const stack = stacks.find((name) => name.endsWith(`-${env}`) && !name.includes('bootstrap'));
        expect(stack).toBeDefined();
        const synthesised = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.out', 'stacks', stack!, 'cdk.tf.json'), 'utf8'));
        const [fn] = Object.values(synthesised.resource['aws_lambda_function']);
        expect(fn).toMatchObject({ runtime: 'provided.al2023', handler: 'function.handler' });
        const [layer] = Object.values(synthesised.resource['aws_lambda_layer_version']);
        expect(layer).toMatchObject({ compatible_runtimes: ['provided.al2023'] });
      }
    });

    it('npm start serves a request from its function, run by bash with the layer on PATH', async () => {
      const server = await startLocalServer([], cliEnv(), { cwd: root, npm: true });
      try {
        expect(server.info['interpreter']).toMatchObject({ name: 'bash' });
        const response = await request(`${server.url}/hello/from/test`);
        expect(response.status).toBe(200);
        expect(response.json).toEqual({ message: expect.stringMatching(/^hello, layers, from bash \d+$/), path: '/hello/from/test' });
      } finally {
        await server.stop();
      }
    });

    it('type-checks where it now lives, with the project: its imports of the project and of its own files resolve', async () => {
      expect(fs.readFileSync(path.join(root, 'family-plugins', 'shell', 'commands', 'packages.ts'), 'utf8')).toContain("from '../build'");
      expect(fs.readFileSync(path.join(root, 'family-plugins', 'shell', 'index.ts'), 'utf8')).toContain("from '../plugin'");
      const tsc = await runProcess(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', root]);
      expect([tsc.code, tsc.stdout]).toEqual([0, '']);
    });

    it('lists its command in --help and runs it', async () => {
      const help = await runNpm(root, 'cli', ['--help']);
      expect(help.stdout).toMatch(/^ {2}shell:packages +The libraries each shell layer folder vendors/m);
      const listed = await runNpm(root, 'cli', ['shell:packages', '--json']);
      expect(listed).toMatchObject({ code: 0 });
      expect(JSON.parse(listed.stdout)).toEqual([{ layer: 'tools', libraries: ['greet 1.2.0'] }]);
    });
  });

  it('npm run build refuses a function that sources a library no layer provides, naming it and the fix', async () => {
    const root = shellProject('shell-missing', ['greet', 'missing']);
    const result = await runNpm(root, 'build');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'handlers/shell_api/function.sh:2 imports missing, and nothing the function gets provides it: layers tools (greet 1.2.0; 1 package in all); ' +
        'the provided.al2023 runtime (no libraries, only the operating system). On Lambda every request would fail at init: bash: missing.sh: No such file ' +
        'or directory. Add "missing <version>" to layers/tools/Shellfile and vendor it as vendor/missing-<version>/missing.sh, or attach a layer that provides it.',
    );
  });
});
