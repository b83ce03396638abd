import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  TOOLCHAIN_LOCK,
  TOOLCHAIN_REQUIREMENTS,
  ensurePythonToolchain,
  installedPythonToolchain,
  lockedVersions,
  toolchainInstallArgs,
  toolchainLockArgs,
  toolchainLockProblems,
  toolchainVersions,
} from '../../../family-plugins/python/toolchain';
import { parsePinnedRequirements } from '../../../family-plugins/python/requirements-file';
import { pythonIndexSettings } from '../../../family-plugins/python/python-index';
import { PROJECT_ROOT, cliEnv, copyProject, runCli } from '../../support/processes';
import { makeTempDir } from '../../support/temp-dirs';

/** A project folder holding only the toolchain's two files (and whatever `edit` changes). */
function toolchainProject(edit: (lock: string, requirements: string) => [string, string] = (lock, requirements) => [lock, requirements]): string {
  const root = makeTempDir('toolchain-project');
  fs.mkdirSync(path.join(root, path.dirname(TOOLCHAIN_LOCK)), { recursive: true });
  const [lock, requirements] = edit(
    fs.readFileSync(path.join(PROJECT_ROOT, TOOLCHAIN_LOCK), 'utf8'),
    fs.readFileSync(path.join(PROJECT_ROOT, TOOLCHAIN_REQUIREMENTS), 'utf8'),
  );
  fs.writeFileSync(path.join(root, TOOLCHAIN_LOCK), lock);
  fs.writeFileSync(path.join(root, TOOLCHAIN_REQUIREMENTS), requirements);
  return root;
}

describe('the toolchain lock', () => {
  it('reads pins, markers, hashes and the comments under each from the hashed requirements format', () => {
    const text =
      "# header\nfoo==1.0 ; python_full_version < '3.11' \\\n    --hash=sha256:" +
      'A'.repeat(64) +
      "\n    # via bar\nfoo==2.0 ; python_full_version >= '3.11' \\\n    --hash=sha256:" +
      'b'.repeat(64) +
      '\nBar_Baz[x]==3 --hash=sha256:' +
      'c'.repeat(64) +
      '\nqux>=1\n';
    expect(parsePinnedRequirements(text)).toEqual({
      pins: [
        { name: 'foo', version: '1.0', marker: "python_full_version < '3.11'", hashes: ['a'.repeat(64)], comments: ['via bar'] },
        { name: 'foo', version: '2.0', marker: "python_full_version >= '3.11'", hashes: ['b'.repeat(64)], comments: [] },
        { name: 'Bar_Baz', version: '3', hashes: ['c'.repeat(64)], comments: [] },
      ],
      problems: ['qux>=1'],
    });
    expect(lockedVersions(text)).toEqual({ foo: '1.0', 'bar-baz': '3' });
  });

  it('is stale when it does not pin what family-plugins/python/toolchain/requirements.txt asks for, or pins without a hash', () => {
    const lock = `uv==0.13.9 \\\n    --hash=sha256:${'a'.repeat(64)}\npip==26.3\n`;
    expect(toolchainLockProblems('uv==0.13.9\npip==26.3\nmoto[server]==5.2.5\nboto3>=1\n', lock)).toEqual([
      '"boto3>=1" in family-plugins/python/toolchain/requirements.txt is not pinned with ==',
      'moto==5.2.5 is not in the lock (it has none)',
      'pip==26.3 has no hash in the lock',
    ]);
    expect(toolchainLockProblems('uv==0.14.0\n', lock)).toEqual(['uv==0.14.0 is not in the lock (it has 0.13.9)', 'pip==26.3 has no hash in the lock']);
  });

  it('of this repository pins every tool family-plugins/python/toolchain/requirements.txt names, each with its hashes, for every platform (one universal resolution)', () => {
    const lock = fs.readFileSync(path.join(PROJECT_ROOT, TOOLCHAIN_LOCK), 'utf8');
    expect(toolchainLockProblems(fs.readFileSync(path.join(PROJECT_ROOT, TOOLCHAIN_REQUIREMENTS), 'utf8'), lock)).toEqual([]);
    expect(toolchainVersions(PROJECT_ROOT)).toMatchObject({ uv: '0.13.9', pip: '26.3', 'pip-audit': '2.10.1', moto: '5.2.5', boto3: '1.44.8' });
    // Universal: markers for other platforms and Python versions are kept, not evaluated for this machine.
    expect(lock).toMatch(/sys_platform == 'win32'/);
    expect(lock).toMatch(/python_full_version < '3\.11'/);
    expect(toolchainLockArgs('/p', pythonIndexSettings({}))).toEqual(
      expect.arrayContaining(['--universal', '--generate-hashes', '--custom-compile-command', 'npm run toolchain -- --lock']),
    );
  });

  it("is made and installed from the project's index settings: UV_NO_INDEX is --no-index there too", () => {
    const none = pythonIndexSettings({ UV_NO_INDEX: '1', UV_FIND_LINKS: '/wheels' });
    expect(toolchainLockArgs('/p', none).slice(-1)).toEqual(['--no-index']);
    expect(toolchainLockArgs('/p', pythonIndexSettings({}))).not.toContain('--no-index');
    expect(toolchainInstallArgs('/p', none).slice(-3)).toEqual(['--no-index', '--find-links', '/wheels']);
    // Unset, pip's own configuration decides.
    expect(toolchainInstallArgs('/p', pythonIndexSettings({})).slice(-2)).toEqual([
      '--requirement',
      '/p/family-plugins/python/toolchain/requirements.lock.txt',
    ]);
  });
});

describe('installing the toolchain', () => {
  it('is found installed when its stamp matches the lock, without starting a process; a changed pin makes it stale', () => {
    const installed = installedPythonToolchain(process.env, PROJECT_ROOT)!;
    expect(installed).toBeDefined();
    expect(fs.existsSync(installed.uv)).toBe(true);
    const env = { ...process.env, PYTHON_TOOLCHAIN: installed.dir };
    expect(installedPythonToolchain(env, toolchainProject())).toMatchObject({ dir: installed.dir });
    // A comment changes nothing; a pin does.
    expect(
      installedPythonToolchain(
        env,
        toolchainProject((lock, requirements) => [`${lock}# a comment\n`, requirements]),
      ),
    ).toBeDefined();
    expect(
      installedPythonToolchain(
        env,
        toolchainProject((lock, requirements) => [lock.replace(/^uv==0\.13\.9/m, 'uv==0.13.8'), requirements]),
      ),
    ).toBeUndefined();
  });

  it('refuses a lock that does not match family-plugins/python/toolchain/requirements.txt, naming the command that refreshes it', async () => {
    const root = toolchainProject((lock, requirements) => [lock, requirements.replace('uv==0.13.9', 'uv==0.14.0')]);
    await expect(
      ensurePythonToolchain({ env: { ...process.env, PYTHON_TOOLCHAIN: path.join(makeTempDir('toolchain'), 'python') }, projectRoot: root }),
    ).rejects.toThrow(
      'family-plugins/python/toolchain/requirements.lock.txt does not match family-plugins/python/toolchain/requirements.txt (uv==0.14.0 is not in the lock (it has 0.13.9)). Run `npm run toolchain -- --lock`',
    );
  });

  it('says what failed, and leaves no half-made toolchain behind, when the interpreter is missing or the index cannot be reached', async () => {
    const dir = path.join(makeTempDir('toolchain'), 'python');
    await expect(
      ensurePythonToolchain({ env: { ...process.env, PYTHON: '/nonexistent/python3', PYTHON_TOOLCHAIN: dir }, projectRoot: PROJECT_ROOT }),
    ).rejects.toThrow("Installing the project's Python toolchain failed: the command was not found: /nonexistent/python3 -m venv");
    const offline: NodeJS.ProcessEnv = { ...process.env, PYTHON_TOOLCHAIN: dir, PIP_NO_INDEX: '1', PIP_CONFIG_FILE: '/dev/null' };
    delete offline['PIP_FIND_LINKS'];
    await expect(ensurePythonToolchain({ env: offline, projectRoot: PROJECT_ROOT })).rejects.toThrow(
      "Installing the project's Python toolchain failed: this command failed: pip install --require-hashes -r family-plugins/python/toolchain/requirements.lock.txt.",
    );
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('npm run toolchain -- --json prints where it is and every version, from the lock', async () => {
    const result = await runCli(['toolchain', '--json'], { env: cliEnv() });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { dir: string; python: string; uv: string; versions: Record<string, string> };
    expect(report.versions).toMatchObject({ uv: '0.13.9', pip: '26.3', moto: '5.2.5' });
    expect(execFileSync(report.uv, ['--version'], { encoding: 'utf8' })).toMatch(/^uv 0\.13\.9/);
    expect(execFileSync(report.python, ['-c', 'import moto, boto3, pip_audit; print(moto.__version__, boto3.__version__)'], { encoding: 'utf8' }).trim()).toBe(
      '5.2.5 1.44.8',
    );
  });
});

describe('a machine without Python', () => {
  it('builds, synthesises and checks the Node.js default with no Python anywhere: the toolchain is never touched', async () => {
    // PATH holds only node and npm; the toolchain folder cannot exist; pyenv is nowhere.
    const bin = makeTempDir('node-only-bin');
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const npm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
    const env = cliEnv({
      PATH: bin,
      npm_execpath: fs.realpathSync(npm),
      PYTHON_TOOLCHAIN: '/dev/null/toolchain',
      PYENV_ROOT: '/dev/null',
      PYTHON: '/dev/null/python3',
    });
    const synth = await runCli(['synth'], { env, cwd: copyProject('node-only-project') });
    expect(synth.stderr).not.toMatch(/Python toolchain|error/);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toMatch(/synthesise 3 environment\(s\): api-dev, api-staging, api-prod/);
  });
});
