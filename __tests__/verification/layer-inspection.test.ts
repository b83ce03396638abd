import { configFor } from '../support/project-config';
import { nodejsFamily } from '../../family-plugins/nodejs/definition';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../../builder/build';
import { silentProgress } from '../../project/progress';
import { inspectLayer, packageChanges } from '../../verification/layer-inspection';
import { layerArtifact } from '../support/artifacts';
import { makeFixtureProject, packFixturePackages } from '../support/fixture-layer';
import { copyFixtureFunction, makeFixtureWheels, offlineWheelEnv } from '../support/fixture-wheels';
import { PROJECT_ROOT, runCli } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { PLUGINS } from '../../family-plugins/registry';

describe('what changed between two builds', () => {
  it('lists packages added, removed and upgraded', () => {
    const pkg = (name: string, version: string) => ({ name, version, path: `nodejs/node_modules/${name}`, direct: true });
    expect(packageChanges([pkg('a', '1.0.0'), pkg('b', '1.0.0'), pkg('c', '2.0.0')], [pkg('a', '1.0.0'), pkg('b', '1.1.0'), pkg('d', '0.1.0')])).toEqual({
      added: ['d@0.1.0'],
      removed: ['c@2.0.0'],
      upgraded: ['b 1.0.0 → 1.1.0'],
    });
  });

  it('measures headroom against 250 MiB with the function and 50 MB for a direct upload', () => {
    const inspection = inspectLayer(
      nodejsFamily,
      layerArtifact('x', 'x86_64', 'a'.repeat(64), { unzippedBytes: 100_000_000, zippedBytes: 40_000_000 }),
      [],
      2_000_000,
    );
    expect(inspection.headroom).toEqual({ unzippedBytes: 160_144_000, functionBytes: 2_000_000, directUploadBytes: 12_428_800 });
    expect(inspection.changes).toBeUndefined();
  });
});

describe('npm run layers:inspect', () => {
  it('shows packages, sizes, the largest packages, headroom and the change since the previous build', async () => {
    const packages = makeTempDir('inspect-packages');
    packFixturePackages(packages, '1.0.0');
    packFixturePackages(packages, '1.0.1');
    const project = makeFixtureProject(path.join(packages, 'tarballs'));
    fs.cpSync(path.join(PROJECT_ROOT, 'handlers'), path.join(project.root, 'handlers'), { recursive: true });
    fs.writeFileSync(path.join(project.root, 'handlers', 'api', 'index.ts'), 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n');
    const config = configFor(project.root, { defaults: { layers: ['fixture'] } });
    const buildDir = path.join(project.root, '.build');
    await runBuild({ families: PLUGINS, projectRoot: project.root, toolHome: PROJECT_ROOT, buildDir, config, progress: silentProgress });
    // Upgrade fixture-b and build again: the previous build is what the inspection compares with.
    const upgraded = makeFixtureProject(path.join(packages, 'tarballs'), '1.0.1');
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(upgraded.layerDir, file), path.join(project.layerDir, file));
    fs.cpSync(path.join(upgraded.root, 'vendor'), path.join(project.root, 'vendor'), { recursive: true });
    await runBuild({ families: PLUGINS, projectRoot: project.root, toolHome: PROJECT_ROOT, buildDir, config, progress: silentProgress });

    const result = await runCli(['layers:inspect', 'fixture', '--build-dir', buildDir, '--json']);
    expect(result.code).toBe(0);
    const [inspection] = JSON.parse(result.stdout) as ReturnType<typeof inspectLayer>[];
    expect(inspection).toMatchObject({
      id: 'fixture/nodejs-x86_64',
      packages: [
        { name: 'fixture-a', version: '1.0.0', direct: true },
        { name: 'fixture-b', version: '1.0.1', direct: true },
      ],
      changes: { added: [], removed: [], upgraded: ['fixture-b 1.0.0 → 1.0.1'] },
    });
    expect(inspection.largest.map((pkg) => pkg.name).sort()).toEqual(['fixture-a', 'fixture-b']);
    expect(inspection.largest.every((pkg) => pkg.bytes > 0)).toBe(true);
    expect(inspection.headroom.functionBytes).toBeGreaterThan(0);
    expect(inspection.unzippedBytes).toBeGreaterThan(0);
    const text = await runCli(['layers:inspect', '--build-dir', buildDir]);
    expect(text.stdout).toContain('upgraded  fixture-b 1.0.0 → 1.0.1');
    expect(text.stdout).toMatch(/headroom {2}[\d.]+ MiB of 250 MiB unzipped/);
  });

  it('sizes Python packages by their modules and dist-info', async () => {
    const wheels = makeFixtureWheels().dir;
    const root = makeTempDir('inspect-python');
    fs.mkdirSync(path.join(root, 'layers', 'py'), { recursive: true });
    fs.writeFileSync(path.join(root, 'layers', 'py', 'requirements.txt'), 'alpha==1.0.0\n');
    copyFixtureFunction(root);
    const config = configFor(root, { defaults: { function: 'python', layers: ['py'] } });
    const buildDir = path.join(root, '.build');
    await runBuild({ families: PLUGINS, projectRoot: root, toolHome: PROJECT_ROOT, buildDir, config, progress: silentProgress, env: offlineWheelEnv(wheels) });
    const result = await runCli(['layers:inspect', 'py', '--build-dir', buildDir, '--json']);
    const [inspection] = JSON.parse(result.stdout) as ReturnType<typeof inspectLayer>[];
    expect(inspection.largest.map((pkg) => [pkg.name, pkg.bytes > 0])).toEqual([
      ['alpha', true],
      ['beta', true],
    ]);
    expect(inspection.changes).toBeUndefined();
  });
});
