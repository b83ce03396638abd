import { PLUGINS } from '../../family-plugins/registry';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { layerDescription } from '../../artifacts/layer-description';
import { LayerArtifact, readManifest } from '../../artifacts/manifest';
import { layerManifestKey, layerSbomKey } from '../../config/artifact-keys';
import { storedManifestOf } from '../../review/layer-packages';
import { fetchLayerManifests, storeLayerManifests } from '../../review/manifest-store';
import { MotoServer, createBucket, startMoto } from '../support/moto';
import { PROJECT_ROOT, cliEnv, copyProject, runCli } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { FAKE_TERRAFORM, FIXTURES, terraformCalls } from '../support/test-project';

/**
 * The review in packages: what changed inside each new layer version, from this build's manifest and
 * the manifest stored for the deployed content (or, without one, the two descriptions), and the import
 * coverage of each function the plan touches.
 */

const PLANS = path.join(FIXTURES, 'plans');
const LAYER = 'multicloud-auto-deploy-staging-dependencies';
const FUNCTION = 'multicloud-auto-deploy-staging-api';

describe('layer manifests in the artifact bucket (moto)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  const BUCKET = 'review-artifacts';
  const scope = { project: 'multicloud-auto-deploy', environment: 'staging' };
  const artifact = readManifest(path.join(PROJECT_ROOT, '.build')).layers.find((layer) => layer.id === 'dependencies/nodejs-x86_64')!;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client(moto.sdk);
    await createBucket(moto, s3, BUCKET);
  });

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('stores each manifest and SBOM under its content hash, and reads back the ones there are', async () => {
    const key = layerManifestKey(scope.project, 'staging', artifact.contentHash);
    const sbomKey = layerSbomKey(scope.project, 'staging', artifact.contentHash);
    expect(sbomKey).toBe(key.replace(/\.json$/, '.cdx.json'));
    expect(await storeLayerManifests(s3, BUCKET, scope, [artifact], PLUGINS)).toEqual([key, sbomKey]);
    // Stored again by the next deploy of the same content: the same bytes under the same key.
    expect(await storeLayerManifests(s3, BUCKET, scope, [artifact], PLUGINS)).toEqual([key, sbomKey]);
    // The SBOM stored is the one the build kept beside the tree, byte for byte.
    const stored = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: sbomKey }))).Body!.transformToString('utf8');
    expect(stored).toBe(fs.readFileSync(path.join(PROJECT_ROOT, '.build', artifact.sbom!), 'utf8'));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: layerManifestKey(scope.project, 'staging', 'badbadbadbadbad0'), Body: 'garbage' }));
    // Another layer's manifest copied under this key: it names another content than the one it is filed under.
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: layerManifestKey(scope.project, 'staging', 'abcdefabcdefabcd'),
        Body: JSON.stringify(storedManifestOf(artifact)),
      }),
    );
    const fetched = await fetchLayerManifests(s3, BUCKET, scope, [artifact.contentHash, '0000000000000000', 'badbadbadbadbad0', 'abcdefabcdefabcd'], PLUGINS);
    expect([...fetched.found.keys()]).toEqual([artifact.contentHash.slice(0, 16)]);
    expect(fetched.found.get(artifact.contentHash.slice(0, 16))!.packages).toHaveLength(artifact.packages.length);
    expect(fetched.problems).toEqual([
      `s3://${BUCKET}/layers/multicloud-auto-deploy/staging/manifests/badbadbadbadbad0.json is not a stored layer manifest`,
      `s3://${BUCKET}/layers/multicloud-auto-deploy/staging/manifests/abcdefabcdefabcd.json says content ${artifact.contentHash.slice(0, 16)}, not abcdefabcdefabcd: not shown as what the deployed layer holds`,
    ]);
  });

  it("gives npm run plan:summary the deployed layer's packages, transitive ones included, and the function's import coverage", async () => {
    // The deployed layer: this build's, with an older hono and a transitive package this build no longer has.
    const older: LayerArtifact = {
      ...artifact,
      contentHash: '0123456789abcdef'.padEnd(64, '0'),
      unzippedBytes: 8_000_000,
      packages: [
        ...artifact.packages.map((pkg) => (pkg.name === 'hono' ? { ...pkg, version: '4.12.0' } : pkg)),
        { name: 'left-pad', version: '1.3.0', path: 'nodejs/node_modules/left-pad', direct: false },
      ],
    };
    await storeLayerManifests(s3, BUCKET, scope, [older], PLUGINS);
    const plan = JSON.parse(fs.readFileSync(path.join(PLANS, 'layer-replace-create-before-destroy.json'), 'utf8'));
    for (const change of plan.resource_changes) {
      if (change.type !== 'aws_lambda_layer_version') continue;
      change.change.before.description = layerDescription(older, 'nodejs24.x');
      change.change.after.description = layerDescription(artifact, 'nodejs24.x');
    }
    const dir = makeTempDir('review-plan');
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
    const env = cliEnv({ ...moto.env, ARTIFACT_BUCKET: BUCKET });
    const result = await runCli(['plan:summary', path.join(dir, 'plan.json'), '--stack', 'api-staging'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `**Packages of \`${LAYER}\`** (content \`0123456789abcdef\` → \`${artifact.contentHash.slice(0, 16)}\`, run by \`${FUNCTION}\`), unzipped 7.6 MiB → `,
    );
    expect(result.stdout).toContain('| hono | 4.12.0 | 4.13.19 | upgraded |');
    expect(result.stdout).toContain('| left-pad _(transitive)_ | 1.3.0 | — | **removed** |');
    expect(result.stdout).toContain(`> - layer \`${LAYER}\`: **left-pad 1.3.0 removed** (a transitive package)`);
    expect(result.stdout).toContain(`${artifact.packages.length - 1} other package(s) unchanged.`);
    expect(result.stdout).not.toContain('Partial');
    expect(result.stdout).toMatch(
      new RegExp(`<details><summary><b>Import coverage of <code>${FUNCTION}</code></b>: all \\d+ import\\(s\\) provided</summary>`),
    );
    expect(result.stdout).toContain('| `hono` | handlers/api/app.ts:');

    // Without an artifact bucket there is nothing stored: the descriptions, said to be partial, and why.
    const without = await runCli(['plan:summary', path.join(dir, 'plan.json'), '--stack', 'api-staging'], { env: cliEnv(moto.env) });
    expect(without.stdout).toContain(
      '_Partial: only the direct packages the layer descriptions name (no stored manifest for the deployed content 0123456789abcdef)._',
    );
    expect(without.stdout).toContain(
      '_Note: no artifact bucket is configured, so deploys store no layer manifests and the deployed side comes from the layer descriptions._',
    );
  });
});

describe('npm run plan', () => {
  let moto: MotoServer;

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it("builds, synthesises, plans the deploy's first phase and prints what the pull request shows", async () => {
    // A copy of the project, so the synthesised folder and the saved plan are written to a temp folder;
    // Terraform is the stand-in process (providers cannot be downloaded here), Lambda is moto's.
    const copy = copyProject('plan-command');
    const env = cliEnv({ ...moto.env, TERRAFORM: FAKE_TERRAFORM });
    const result = await runCli(['plan', 'api-dev'], { env, cwd: copy });
    expect(result.stderr).toContain('First deploy of api-dev: the new version goes live in this apply.');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^### Plan for `api-dev`: 2 to add, 0 to change, 0 to replace, 0 to destroy\n/);
    expect(result.stdout).toContain('- `multicloud-auto-deploy-dev-api`: created');
    expect(result.stdout).toMatch(
      /<details><summary><b>Import coverage of <code>multicloud-auto-deploy-dev-api<\/code><\/b>: all \d+ import\(s\) provided<\/summary>/,
    );
    expect(result.stdout).toContain('| `hono` | handlers/api/');
    // The layers the function gets, said in its coverage (the API's are listed in the configuration).
    expect(result.stdout).toMatch(/Layers listed by hand: `multicloud-auto-deploy-dev-[a-z-]+`/);
    const stackDir = path.join(copy, 'cdktf.out', 'stacks', 'api-dev');
    expect(fs.existsSync(path.join(stackDir, 'plan.json'))).toBe(true);
    // The plan held live where it is (nowhere yet: the first deploy) and took no lock.
    const calls = terraformCalls(stackDir);
    expect(calls.find((call) => call[0] === 'plan')).toEqual([
      'plan',
      '-input=false',
      '-lock=false',
      '-out=plan.tfplan',
      '-var=live_version=',
      '-var=canary_version=',
      '-var=canary_percent=0',
      // The stats function's alias too: on a first deploy every alias goes to its newest.
      '-var=function_live_versions={}',
      '-var=function_canary_versions={}',
    ]);

    const json = await runCli(['plan', 'api-dev', '--skip-build', '--json'], { env, cwd: copy });
    expect(json.code).toBe(0);
    const review = JSON.parse(json.stdout) as {
      stack: string;
      summary: { counts: Record<string, number>; coverage: { functionName: string; missing: string[] }[] };
    };
    expect(review.stack).toBe('api-dev');
    expect(review.summary.coverage).toEqual([expect.objectContaining({ functionName: 'multicloud-auto-deploy-dev-api', missing: [] })]);
  });
});
