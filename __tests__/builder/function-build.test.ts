import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleTarget } from '../../builder/build-plan';
import { bundleFunction, reusableBundle } from '../../builder/function-build';
import { fingerprintsForOneBuild, freshFingerprints } from '../../builder/tree';
import { PLUGINS } from '../../family-plugins/registry';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';

/**
 * A bundle reused by the next build: only when its family lists the function's files without building it, they are the
 * ones it was built from, the import reader and the target are the same, and its tree is as the build wrote it.
 */
describe('a function bundle reused by the next build', () => {
  const root = makeTempDir('bundle-reuse');
  const source = path.join(root, 'handlers', 'svc');
  fs.mkdirSync(source, { recursive: true });
  for (const file of fs.readdirSync(path.join(PROJECT_ROOT, 'handlers', 'python_api')).filter((name) => name.endsWith('.py'))) {
    fs.copyFileSync(path.join(PROJECT_ROOT, 'handlers', 'python_api', file), path.join(source, file));
  }
  const buildDir = makeTempDir('bundle-reuse-build');
  const target: BundleTarget = {
    id: 'worker/python3.12',
    function: 'worker',
    family: 'python',
    runtime: 'python3.12',
    entry: 'handlers/svc',
    handler: 'worker.handler',
    framework: 'Python',
    externals: [],
  };
  const reuse = (previous: Parameters<typeof reusableBundle>[4], forTarget: BundleTarget = target) =>
    reusableBundle(PLUGINS, root, buildDir, forTarget, previous, fingerprintsForOneBuild(), PROJECT_ROOT);

  it('is reused while nothing it was made from changed, and made again when anything did', async () => {
    const first = await bundleFunction(PLUGINS, root, buildDir, target, process.env, PROJECT_ROOT);
    expect(first.builtFor).toMatch(/^[0-9a-f]{64}$/);
    expect(reuse(first)).toBe(first);

    // A module of the function changed, then changed back.
    const worker = path.join(source, 'worker.py');
    const text = fs.readFileSync(worker, 'utf8');
    fs.writeFileSync(worker, `${text}\n# changed\n`);
    expect(reuse(first)).toBeUndefined();
    fs.writeFileSync(worker, text);
    expect(reuse(first)).toBe(first);

    // A new module in the folder (the task root would hold it), or a test folder's (it would not).
    fs.writeFileSync(path.join(source, 'extra.py'), 'import json\n');
    expect(reuse(first)).toBeUndefined();
    fs.rmSync(path.join(source, 'extra.py'));
    fs.mkdirSync(path.join(source, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(source, 'tests', 'test_more.py'), 'import pytest\n');
    expect(reuse(first)).toBe(first);

    // Another handler, runtime or entry: another target.
    expect(reuse(first, { ...target, handler: 'digest.handler' })).toBeUndefined();
    expect(reuse(first, { ...target, runtime: 'python3.13' })).toBeUndefined();

    // The tree edited after the build.
    const built = path.join(buildDir, first.dir, 'worker.py');
    fs.chmodSync(built, 0o644);
    fs.appendFileSync(built, '\n');
    expect(reuse(first)).toBeUndefined();

    // A bundle of a manifest written before bundles were reused, and a family that follows imports from an entry point.
    const again = await bundleFunction(PLUGINS, root, buildDir, target, process.env, PROJECT_ROOT);
    expect(reuse(again)).toBe(again);
    const { builtFor: _builtFor, ...older } = again;
    expect(reuse(older)).toBeUndefined();
    expect(reuse({ ...again, family: 'nodejs' }, { ...target, family: 'nodejs', runtime: 'nodejs24.x' })).toBeUndefined();
  });

  it('reads each source file once per build, so functions of one folder share the read, and the next build reads afresh', () => {
    const file = path.join(source, 'main.py');
    const text = fs.readFileSync(file, 'utf8');
    const build = fingerprintsForOneBuild();
    const before = build.fileHash(file);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    fs.writeFileSync(file, `${text}\n# edited during the build\n`);
    try {
      expect(build.fileHash(file)).toBe(before);
      expect(fingerprintsForOneBuild().fileHash(file)).not.toBe(before);
      expect(freshFingerprints.fileHash(file)).not.toBe(before);
    } finally {
      fs.writeFileSync(file, text);
    }
    expect(freshFingerprints.fileHash(file)).toBe(before);
    expect(build.fileHash(path.join(source, 'missing.py'))).toBeUndefined();
    expect(freshFingerprints.fileHash(path.join(source, 'missing.py'))).toBeUndefined();
  });
});
