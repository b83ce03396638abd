import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../cli/main';
import { helpText } from '../cli/command';
import { PROJECT_ROOT, cliEnv, runCli } from './support/processes';

const ESC = '\u001b[';

describe('the project CLI', () => {
  it.each(COMMANDS.map((command) => command.name))('explains %s with --help', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`Usage: npm ${command === 'start' ? 'start' : `run ${command === 'ci:config' ? '--silent ci:config' : command}`}`)).toBe(true);
    expect(result.stdout).toContain('--no-color');
    expect(result.stdout).toContain('-h, --help');
  });

  it.each(COMMANDS.map((command) => [command.name, command] as const))('lists every option %s parses in its --help, with the value it takes', (_name, command) => {
    const lines = helpText(command).split('\n');
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
    expect(options.slice(-2)).toEqual([expect.stringMatching(/^  --no-color +no colour/), expect.stringMatching(/^  -h, --help +this help$/)]);
    expect(command.help).not.toContain('Options:');
  });

  it('has an npm script for every command', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const command of COMMANDS) expect(scripts[command.name]).toBe(`node runtimes/tooling-node.mjs --import tsx cli/main.ts ${command.name}`);
  });

  it('runs the tooling on Node 22 or later, with only cdktf\'s util.isArray deprecation (DEP0044) silenced', () => {
    const script = "require('node:util').isArray([]); new Buffer(1); process.stdout.write(process.version)";
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'runtimes', 'tooling-node.mjs'), '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
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
    const report = JSON.parse(result.stdout) as { layers: { id: string; cached: boolean }[]; bundles: unknown[] };
    expect(report.layers).toEqual([expect.objectContaining({ id: 'dependencies/nodejs-x86_64', cached: true })]);
    expect(report.bundles).toHaveLength(1);
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
