import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/test-project';
import { cliEnv, copyProject, request, runCli, startLocalServer } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';

/**
 * `npm start` does each step once: the configuration, the layer sources and the manifest are read once, the
 * deployment rules run once (the build checks; synth and the local API take what it checked), and synthesis runs in
 * the same process. Counted on the real command: a preload (support/count-calls.cjs) notes every file the CLI's
 * process reads in the project and every process it starts. How long it takes is the bench's (`--only start`).
 */

interface Counted {
  readonly read?: string;
  readonly spawn?: readonly string[];
}

describe('npm start, when nothing changed', () => {
  it('reads the configuration, each layer file and the manifest once, runs the rules once and synthesises in its own process', async () => {
    const root = copyProject('start-once');
    // A managed layer version outside the pinned table: the import-coverage rule warns, once per run of the rules.
    const cdktf = path.join(root, 'cdktf.json');
    const context = { environments: { dev: { layerStrategy: 'hybrid', powertoolsTypeScriptLayerVersion: 9999 } } };
    fs.writeFileSync(cdktf, JSON.stringify({ ...JSON.parse(fs.readFileSync(cdktf, 'utf8')), context }, null, 2));
    const built = await runCli(['build', '--only-used'], { cwd: root });
    expect(built).toMatchObject({ code: 0 });

    // One start that makes what a first start makes (the local sandbox, the runtime's SDK stand-in), then the one counted.
    const first = await startLocalServer([], cliEnv(), { cwd: root, build: true });
    await first.stop();
    const log = path.join(makeTempDir('start-once-log'), 'counted.jsonl');
    const env = cliEnv({ COUNT_LOG: log, COUNT_ROOT: root });
    const preload = path.join(REPO_ROOT, '__tests__', 'support', 'count-calls.cjs');
    const server = await startLocalServer([], env, { cwd: root, build: true, nodeFlags: ['--require', preload] });
    let stderr: string;
    try {
      expect((await request(`${server.url}/`)).status).toBe(200);
    } finally {
      await server.stop();
      stderr = server.stderr();
    }
    const counted = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Counted);
    const reads = new Map<string, number>();
    for (const { read } of counted) if (read) reads.set(read, (reads.get(read) ?? 0) + 1);
    const timesRead = (pattern: RegExp): [string, number][] => [...reads].filter(([file]) => pattern.test(file)).sort();

    // The configuration: cdktf.json once.
    expect(timesRead(/^cdktf\.json$/)).toEqual([['cdktf.json', 1]]);
    // The layer sources: every file of layers/ read, none twice.
    const layerFiles = timesRead(/^layers\//);
    expect(layerFiles.map(([file]) => file)).toEqual(
      expect.arrayContaining(['layers/dependencies/package-lock.json', 'layers/dependencies-minimal/package-lock.json']),
    );
    expect(layerFiles.filter(([, times]) => times !== 1)).toEqual([]);
    // The manifest: the build writes it and hands what it checked down; nothing reads it back more than once.
    expect(timesRead(/^\.build\/manifest\.json$/).filter(([, times]) => times > 1)).toEqual([]);

    // The rules: their warning said once, by the build.
    const warning = '[import-coverage] api-dev: powertools-typescript version 9999 is outside the versions the table';
    expect(stderr.split(warning).length - 1).toBe(1);
    // Synthesis: once, in this process: no node, tsx or cdktf started for it.
    expect(stderr.match(/✓ synthesise 3 environment\(s\)/g)).toHaveLength(1);
    const spawned = counted.flatMap(({ spawn }) => (spawn ? [spawn.join(' ')] : []));
    expect(spawned.filter((command) => /main\.ts|tsx|cdktf/.test(command))).toEqual([]);
    // Nothing changed, so nothing is installed: no npm, no uv, no pip.
    expect(spawned.filter((command) => /npm|uv|pip/.test(command))).toEqual([]);
  });
});
