import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWithoutPackage, cliEnv, PROJECT_ROOT, request, runNode, startLocalServer } from '../support/processes';

/**
 * The seed's incident, caught before deploy: a layer that lacks a package the
 * function imports. Here the built layer loses `hono` (our Mangum); the local run
 * must fail loudly, naming the module, even though the project's own
 * node_modules has hono.
 */
describe('a package missing from the built layer', () => {
  let buildDir: string;

  beforeAll(() => {
    buildDir = buildWithoutPackage('incident', 'hono');
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'node_modules', 'hono', 'package.json'))).toBe(true);
  });

  it('makes the local function answer 500 with an import error naming the module', async () => {
    const server = await startLocalServer(['--build-dir', buildDir]);
    try {
      expect(server.stderr()).toMatch(/warning: The built tree of layer dependencies\/nodejs-x86_64 was modified after the build/);
      const response = await request(`${server.url}/`);
      expect(response.status).toBe(500);
      expect(response.json).toMatchObject({
        message: 'Internal Server Error',
        errorType: 'Runtime.ImportModuleError',
        errorMessage: expect.stringMatching(/Cannot find package 'hono' imported from \/var\/task\/index\.mjs/),
      });
      // Every request fails the same way, as on Lambda: each one retries the init.
      expect((await request(`${server.url}/api/messages/`)).status).toBe(500);
    } finally {
      await server.stop();
    }
  });

  it('stops synth, so the incomplete layer is never deployed', async () => {
    const inProject = path.join(PROJECT_ROOT, '.build-incident-test');
    fs.rmSync(inProject, { recursive: true, force: true });
    fs.cpSync(buildDir, inProject, { recursive: true });
    const outdir = path.join(PROJECT_ROOT, 'cdktf.out.incident-test');
    try {
      const result = await runNode('main.ts', [], { env: cliEnv({ BUILD_DIR: inProject, CDKTF_OUTDIR: outdir }) });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/The built tree of layer dependencies\/nodejs-x86_64 was modified after the build \(\d+ files, the build wrote \d+\)/);
      expect(fs.existsSync(outdir)).toBe(false);
    } finally {
      fs.rmSync(inProject, { recursive: true, force: true });
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
