import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliEnv, copyProject, PROJECT_ROOT, runCli, runNode } from '../support/processes';

const STACKS = ['api-dev', 'api-staging', 'api-prod'];

function runWithUmask(cwd: string, umask: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `umask ${umask} && exec "$0" --import tsx cli/main.ts "$@"`, process.execPath, ...args], {
      cwd,
      env: cliEnv(),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('npm run synth', () => {
  it('writes one stack per environment with no absolute path of this machine', async () => {
    const result = await runCli(['synth', '--skip-build', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outdir: 'cdktf.out',
      stacks: STACKS.map((name) => ({ name, file: `cdktf.out/stacks/${name}/cdk.tf.json` })),
    });
    for (const stack of STACKS) {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8');
      for (const local of [PROJECT_ROOT, fs.realpathSync(os.tmpdir()), os.homedir()]) expect(text).not.toContain(local);
      const json = JSON.parse(text);
      for (const archive of Object.values<{ source_dir: string; output_path: string }>(json.data.archive_file)) {
        expect(archive.source_dir).toMatch(/^\.\.\/\.\.\/\.\.\/\.build\/(layers|functions)\//);
        expect(archive.output_path).toMatch(/^archives\/[a-z-]+\.zip$/);
        expect(fs.existsSync(path.join(PROJECT_ROOT, 'cdktf.out', 'stacks', stack, archive.source_dir))).toBe(true);
      }
    }
  });

  it('adds the bootstrap stack once a repository is named, also free of local paths', async () => {
    const outdir = path.join(PROJECT_ROOT, 'cdktf.out.bootstrap-test');
    try {
      const result = await runNode('main.ts', [], {
        env: cliEnv({ GITHUB_REPOSITORY: 'acme/layers', CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: JSON.stringify({ reviewers: { prod: ['octocat'] } }) }),
      });
      expect(result.code).toBe(0);
      const text = fs.readFileSync(path.join(outdir, 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8');
      for (const local of [PROJECT_ROOT, fs.realpathSync(os.tmpdir()), os.homedir()]) expect(text).not.toContain(local);
      expect(JSON.parse(text).terraform.backend.local.path).toBe('../../../bootstrap.tfstate');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('synthesises byte-identical stacks from two folders built under two umasks', async () => {
    const first = copyProject('laptop');
    const second = copyProject('ci');
    const [a, b] = await Promise.all([runWithUmask(first, '022', ['synth']), runWithUmask(second, '077', ['synth'])]);
    expect(a.output).toContain('✓ layer dependencies/nodejs-x86_64: built');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(fs.readFileSync(path.join(second, '.build', 'manifest.json'), 'utf8')).toBe(fs.readFileSync(path.join(first, '.build', 'manifest.json'), 'utf8'));
    for (const stack of STACKS) {
      const file = path.join('cdktf.out', 'stacks', stack, 'cdk.tf.json');
      expect(fs.readFileSync(path.join(second, file), 'utf8')).toBe(fs.readFileSync(path.join(first, file), 'utf8'));
    }
  });
});
