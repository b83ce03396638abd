import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandsOf } from '../../cli/main';
import { PLUGINS } from '../../family-plugins/registry';
import { helpText } from '../../cli/command';
import { PROJECT_ROOT, cliEnv, runCli } from '../support/processes';
import { copySources } from '../support/test-project';

const COMMANDS = commandsOf(PLUGINS);

const ESC = '\u001b[';

describe('the project CLI', () => {
  it.each(COMMANDS.map((command) => command.name))('explains %s with --help', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`Usage: npm ${command === 'start' ? 'start' : `run ${command === 'ci:config' ? '--silent ci:config' : command}`}`)).toBe(
      true,
    );
    expect(result.stdout).toContain('--no-color');
    expect(result.stdout).toContain('-h, --help');
  });

  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))('lists every option %s parses in its --help, with the value it takes', (_name, entry) => {
    const command = entry.load();
    const lines = helpText(entry, command).split('\n');
    const options = lines.slice(lines.indexOf('Options:') + 1);
    const columns = new Set<number>();
    for (const [name, option] of Object.entries(command.options)) {
      const line = options.find((candidate) => candidate.startsWith(`  --${name} `));
      expect(line).toBeDefined();
      if (option.type === 'string') expect(line).toMatch(new RegExp(`^  --${name} <[^>]+> `));
      expect(line!.endsWith(`  ${option.describe}`)).toBe(true);
      expect(option.describe).not.toMatch(/\n/);
      columns.add(line!.length - option.describe.length);
    }
    expect(columns.size).toBeLessThanOrEqual(1);
    expect(options.slice(-2)).toEqual([expect.stringMatching(/^ {2}--no-color +no colour/), expect.stringMatching(/^ {2}-h, --help +this help$/)]);
    expect(command.help).not.toContain('Options:');
  });

  it('has an npm script for every command', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const command of COMMANDS) expect(scripts[command.name]).toBe(`sh runtimes/cli.sh ${command.name}`);
  });

  it('runs compiled, in one process: compiles once, again only when a source changed, and never spawns itself', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-compiled-'));
    try {
      copySources(PROJECT_ROOT, copy);
      const run = (...args: string[]) => spawnSync('sh', ['runtimes/cli.sh', ...args], { cwd: copy, encoding: 'utf8', env: cliEnv() });
      const bundle = path.join(copy, '.cli', 'main.cjs');
      expect(fs.existsSync(bundle)).toBe(false);
      const first = run('--help');
      expect([first.status, first.stderr]).toEqual([0, '']);
      expect(first.stdout).toMatch(/build +Build every layer tree/);
      const compiled = fs.statSync(bundle).mtimeMs;
      expect(run('--help').status).toBe(0);
      expect(fs.statSync(bundle).mtimeMs).toBe(compiled);
      // A changed source is compiled in before the next run.
      const main = path.join(copy, 'cli', 'main.ts');
      fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace("'Build every layer tree", "'Build each and every layer tree"));
      expect(run('--help').stdout).toMatch(/build +Build each and every layer tree/);
      expect(fs.statSync(bundle).mtimeMs).not.toBe(compiled);
      // The bundle finds the project from where it lies, and the command's modules load only when it runs.
      const help = run('build', '--help');
      expect([help.status, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: npm run build -- [--only-used] [--build-dir <dir>] [--json]']);
      // One process: the shell execs Node, and the launcher starts nothing.
      expect(fs.readFileSync(path.join(copy, 'runtimes', 'cli.sh'), 'utf8')).toMatch(/\nexec "\$node" --disable-warning=DEP0044 "\$here\/cli\.cjs" "\$@"\n$/);
      expect(fs.readFileSync(path.join(copy, 'runtimes', 'cli.cjs'), 'utf8')).not.toMatch(/child_process|spawn|execFile/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("synthesises through the npm script without a deprecation warning (cdktf's DEP0044 is silenced in the app's process too)", () => {
    const outdir = `cdktf.out.deprecation-${process.pid}`;
    try {
      const result = spawnSync('sh', ['runtimes/cli.sh', 'synth', '--skip-build'], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: cliEnv({ CDKTF_OUTDIR: outdir }),
      });
      expect([result.status, result.stderr]).toEqual([0, expect.stringContaining(`-> ${outdir}/stacks/`)]);
      expect(result.stderr).not.toMatch(/DEP0044|DeprecationWarning|Warning:/);
      expect(fs.existsSync(path.join(PROJECT_ROOT, outdir, 'stacks', 'api-dev', 'cdk.tf.json'))).toBe(true);
    } finally {
      fs.rmSync(path.join(PROJECT_ROOT, outdir), { recursive: true, force: true });
    }
  });

  it('loads no command module for the command list, and only its own for a command', () => {
    const script = `
      const loaded = () => Object.keys(require.cache).filter((file) => file.includes('/cli/commands/')).map((file) => file.split('/cli/commands/')[1]);
      const { main } = require('./cli/main.ts');
      main(['--help']).then(() => {
        const afterList = loaded();
        return main(['build', '--help']).then(() => process.stderr.write(JSON.stringify({ afterList, afterBuild: loaded() })));
      });`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8', env: cliEnv() });
    expect(JSON.parse(result.stderr)).toEqual({ afterList: [], afterBuild: ['build.ts'] });
  });

  it("runs the tooling on Node 22 or later, with only cdktf's util.isArray deprecation (DEP0044) silenced", () => {
    const script = "require('node:util').isArray([]); new Buffer(1); process.stdout.write(process.version)";
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'runtimes', 'tooling-node.mjs'), '-e', script], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(Number(/^v(\d+)\./.exec(result.stdout)![1])).toBeGreaterThanOrEqual(22);
    expect(result.stderr).not.toContain('DEP0044');
    expect(result.stderr).toContain('[DEP0005]');
  });

  it('lists the commands and exits 2 for an unknown one', async () => {
    const result = await runCli(['deploy-everything']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "deploy-everything"');
    expect(result.stderr).toMatch(/build +Build every layer tree/);
  });

  it('names a bad option and where to read about options', async () => {
    const result = await runCli(['build', '--fast']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--fast'");
    expect(result.stderr).toContain('See npm run build -- --help.');
  });

  it('reports a reused build as JSON for scripts, with no npm run', async () => {
    const result = await runCli(['build', '--only-used', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { layers: { id: string; cached: boolean }[]; bundles: { function: string }[] };
    expect(report.layers).toEqual([expect.objectContaining({ id: 'dependencies/nodejs-x86_64', cached: true })]);
    // The API and the repository's Node.js stats function.
    expect(report.bundles.map((bundle) => bundle.function)).toEqual(['api', 'stats']);
    expect(result.stderr).toContain('unchanged, reused');
  });

  it('uses colour only when asked and never under NO_COLOR', async () => {
    expect((await runCli(['build', '--only-used'], { env: cliEnv({ NO_COLOR: undefined }) })).stderr).not.toContain(ESC);
    expect((await runCli(['build', '--only-used'], { env: cliEnv({ NO_COLOR: undefined, FORCE_COLOR: '1' }) })).stderr).toContain(ESC);
    expect((await runCli(['build', '--only-used'], { env: cliEnv({ FORCE_COLOR: '1' }) })).stderr).not.toContain(ESC);
    expect((await runCli(['build', '--only-used', '--no-color'], { env: cliEnv({ NO_COLOR: undefined, FORCE_COLOR: '1' }) })).stderr).not.toContain(ESC);
  });

  it('stops with the configuration problem before building', async () => {
    const result = await runCli(['build', '--only-used'], { env: cliEnv({ AWS_REGION: 'mars-1' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: Invalid configuration (1 problem)');
    expect(result.stderr).toContain('region is "mars-1" (from environment variable AWS_REGION)');
    expect(result.stderr).not.toContain('layer dependencies');
  });
});
