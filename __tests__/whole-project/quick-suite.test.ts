import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, cliEnv, runNpm } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { copySources } from '../support/test-project';
import { testSourceFiles } from '../support/source-model';

/**
 * `npm run test:unit`, the quick suite, as a developer runs it on a fresh checkout: no global setup, so no project copy,
 * no Python toolchain, no wheel cache, no build, and none of this run's settings. It must run every pure test
 * (`*.unit.test.ts`) and pass. How long it takes is the bench's to say (`npm run bench -- --only test-unit`).
 */

describe('npm run test:unit', () => {
  it('runs every *.unit.test.ts and passes on a checkout with no toolchain, no build and no global setup', async () => {
    const root = path.join(makeTempDir('quick-suite'), 'project');
    copySources(PROJECT_ROOT, root);
    fs.rmSync(path.join(root, '.toolchain'), { force: true });
    const home = makeTempDir('quick-suite-home');
    const scratch = makeTempDir('quick-suite-tmp');
    const report = path.join(scratch, 'report.json');
    const env = cliEnv({
      TEST_PROJECT_ROOT: undefined,
      PYTHON_WHEEL_CACHE: undefined,
      HOME: home,
      XDG_CACHE_HOME: path.join(home, '.cache'),
      TMPDIR: scratch,
    });
    const result = await runNpm(root, 'test:unit', ['--json', `--outputFile=${report}`], env);
    expect(result.stderr).not.toContain('FAIL ');
    expect(result.code).toBe(0);
    const ran = JSON.parse(fs.readFileSync(report, 'utf8')) as {
      success: boolean;
      numFailedTests: number;
      numPassedTests: number;
      testResults: { name: string }[];
    };
    const expected = testSourceFiles(root).filter((file) => file.endsWith('.unit.test.ts'));
    expect(ran.testResults.map((suite) => path.relative(root, suite.name).split(path.sep).join('/')).sort()).toEqual(expected);
    expect(ran).toMatchObject({ success: true, numFailedTests: 0 });
    expect(ran.numPassedTests).toBeGreaterThan(250);
    // Nothing a full run makes: no toolchain, no build folder.
    expect(['.toolchain', '.build'].filter((name) => fs.existsSync(path.join(root, name)))).toEqual([]);
  });
});
