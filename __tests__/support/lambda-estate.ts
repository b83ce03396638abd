import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { BuildManifest } from '../../artifacts/manifest';
import { layerManifestKey } from '../../config/artifact-keys';
import { storedManifestOf } from '../../review/layer-packages';
import { LambdaPaging, MotoServer, createBucket, startMoto } from './moto';
import { STAGING, terraformStateFile } from './terraform-state';

/**
 * An environment's Lambda as it looks after months of deploys, on moto's server with Lambda's paging (two items a
 * page): the staging stack's layer in seven versions, three functions (api and stats, which staging deploys, and
 * worker, which only retained deployments name) with several published versions each, aliases with canary weights,
 * layer versions shared between functions, one function changed by hand behind Terraform's back, another team's
 * function attaching one of the layer's versions, three retained state versions and the manifests deploys stored.
 *
 *   v1  retained  only serial 1 attached it
 *   v2  serving   api live -> 1 (75%); worker 1-4 (version 4 is on the third page of worker's versions)
 *   v3  serving   api live canary -> 2 (25%), api $LATEST; the build's own content (the lock's)
 *   v4  serving   stats live -> 2: published, attached and aliased by hand, with code no deployment made, and a stored
 *                 manifest that contradicts its description (the build's
 *                 stats needs no layer: its imports are the runtime's)
 *   v5  attached  another team's function (outside the environment)
 *   v6  free
 *   v7  free      the newest
 */

const { region: REGION, stateKey: STATE_KEY, layer: LAYER } = STAGING;
export const ESTATE_BUCKETS = { state: 'estate-state', artifacts: 'estate-artifacts' } as const;
const PREFIX = 'multicloud-auto-deploy-staging-';
export const ESTATE_FUNCTIONS = { api: `${PREFIX}api`, stats: `${PREFIX}stats`, worker: `${PREFIX}worker` } as const;
const OLD_HASHES = { v1: '1'.repeat(64), v2: '2'.repeat(64), v4: 'e'.repeat(64), v5: '5'.repeat(64), v6: '6'.repeat(64), v7: '7'.repeat(64) };

export interface Estate {
  readonly moto: MotoServer;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  /** Layer version ARNs, v1 first. */
  readonly layers: readonly string[];
  /** The CodeSha256 of each function version, by `name:version`. */
  readonly codeSha: Readonly<Record<string, string>>;
  /** The environment for the CLI: this server and the buckets. */
  readonly env: Record<string, string>;
  /** The layer's content hash in this build (the lock's). */
  readonly builtLayerHash: string;
  stop(): Promise<void>;
}

function zipOf(text: string): Buffer {
  // A zip Lambda stores as it is: moto keeps the bytes and hashes them.
  return Buffer.from(`PK zip of ${text}`);
}

function description(hash: string, packages: string): string {
  return `content ${hash.slice(0, 16)} | nodejs24.x x86_64 | ${packages}`;
}

/** Builds the estate; `build` is the project's build manifest (the staging layer's and bundles' content hashes). */
export async function startEstate(build: BuildManifest, paging: LambdaPaging = { pageSize: 2 }): Promise<Estate> {
  const moto = await startMoto(REGION, paging);
  const lambda = new LambdaClient({ ...moto.sdk, maxAttempts: 2 });
  const s3 = new S3Client(moto.sdk);
  const iam = new IAMClient(moto.sdk);
  try {
    for (const bucket of Object.values(ESTATE_BUCKETS)) await createBucket(moto, s3, bucket);
    const built = build.layers.find((layer) => layer.id === 'dependencies/nodejs-x86_64')!;
    const bundleHash = (fn: string): string => build.bundles.find((bundle) => bundle.function === fn && bundle.family === 'nodejs')!.contentHash.slice(0, 16);
    // The stored manifests: the build's own for its content, older ones for v1 and v2.
    const manifest = (hash: string, packages: { name: string; version: string; direct: boolean }[]) => ({
      ...storedManifestOf(built),
      contentHash: hash,
      packages,
      unzippedBytes: 1000 * packages.length,
    });
    const stored = [
      manifest(OLD_HASHES.v1, [{ name: 'hono', version: '4.11.0', direct: true }]),
      manifest(OLD_HASHES.v2, [
        { name: '@aws-sdk/client-dynamodb', version: '3.1000.0', direct: true },
        { name: 'hono', version: '4.12.0', direct: true },
      ]),
      storedManifestOf(built),
      // Filed under v4's content, but naming other packages than v4's own description on Lambda: not to be believed.
      manifest(OLD_HASHES.v4, [{ name: 'hono', version: '4.13.19', direct: true }]),
    ];
    for (const body of stored) {
      await s3.send(
        new PutObjectCommand({
          Bucket: ESTATE_BUCKETS.artifacts,
          Key: layerManifestKey('multicloud-auto-deploy', 'staging', body.contentHash),
          Body: JSON.stringify(body),
        }),
      );
    }
    const layerDescriptions = [
      description(OLD_HASHES.v1, 'hono@4.11.0'),
      description(OLD_HASHES.v2, '@aws-sdk/client-dynamodb@3.1000.0, hono@4.12.0'),
      description(
        built.contentHash,
        built.packages
          .filter((pkg) => pkg.direct)
          .map((pkg) => `${pkg.name}@${pkg.version}`)
          .join(', '),
      ),
      description(OLD_HASHES.v4, 'hono@4.0.0'),
      description(OLD_HASHES.v5, 'hono@4.12.1'),
      description(OLD_HASHES.v6, 'hono@4.12.2'),
      description(OLD_HASHES.v7, 'hono@4.13.0'),
    ];
    const layers: string[] = [];
    for (const [index, text] of layerDescriptions.entries()) {
      const published = await lambda.send(
        new PublishLayerVersionCommand({
          LayerName: LAYER,
          Description: text,
          Content: { ZipFile: zipOf(`layer ${index + 1}`) },
          CompatibleRuntimes: ['nodejs24.x'],
        }),
      );
      layers.push(published.LayerVersionArn!);
    }
    const [v1, v2, v3, v4, v5] = layers;
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'estate', AssumeRolePolicyDocument: '{}' }))).Role!.Arn!;
    const codeSha: Record<string, string> = {};
    const create = async (name: string, layerArns: string[], code: string, text: string): Promise<void> => {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs24.x',
          Role: role,
          Handler: 'index.handler',
          Code: { ZipFile: zipOf(code) },
          Layers: layerArns,
          Description: text,
        }),
      );
    };
    const change = async (name: string, update: { layers?: string[]; code?: string; description?: string }): Promise<void> => {
      if (update.code) await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipOf(update.code) }));
      if (update.layers || update.description) {
        await lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: name,
            ...(update.layers ? { Layers: update.layers } : {}),
            ...(update.description ? { Description: update.description } : {}),
          }),
        );
      }
      await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
    };
    const publish = async (name: string, short: string): Promise<void> => {
      const version = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
      codeSha[`${short}:${version.Version}`] = version.CodeSha256!;
    };
    // api: version 1 with v2 and last month's code; version 2 with v3 and this build's code; live 75/25 between them.
    await create(ESTATE_FUNCTIONS.api, [v2], 'api old', `API of multicloud-auto-deploy, staging (Node.js); code ${'c0de'.repeat(4)}`);
    await publish(ESTATE_FUNCTIONS.api, 'api');
    await change(ESTATE_FUNCTIONS.api, {
      layers: [v3],
      code: 'api now',
      description: `API of multicloud-auto-deploy, staging (Node.js); code ${bundleHash('api')}`,
    });
    await publish(ESTATE_FUNCTIONS.api, 'api');
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: ESTATE_FUNCTIONS.api,
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
      }),
    );
    await lambda.send(new CreateAliasCommand({ FunctionName: ESTATE_FUNCTIONS.api, Name: 'previous', FunctionVersion: '1' }));
    // stats: version 1 as deployed; version 2 by hand (new code, v4 attached), and live moved to it by hand.
    await create(ESTATE_FUNCTIONS.stats, [], 'stats now', `stats function of multicloud-auto-deploy, staging (Node.js); code ${bundleHash('stats')}`);
    await publish(ESTATE_FUNCTIONS.stats, 'stats');
    await change(ESTATE_FUNCTIONS.stats, { layers: [v4], code: 'stats hotfix' });
    await publish(ESTATE_FUNCTIONS.stats, 'stats');
    await lambda.send(new CreateAliasCommand({ FunctionName: ESTATE_FUNCTIONS.stats, Name: 'live', FunctionVersion: '2' }));
    // worker: four versions, all with v2, and three aliases (two pages of them).
    await create(ESTATE_FUNCTIONS.worker, [v2], 'worker', 'worker function of multicloud-auto-deploy, staging (Python); code 0123456789abcdef');
    for (let i = 1; i <= 4; i++) {
      if (i > 1)
        await change(ESTATE_FUNCTIONS.worker, { description: `worker function of multicloud-auto-deploy, staging (Python); code 0123456789abcde${i}` });
      await publish(ESTATE_FUNCTIONS.worker, 'worker');
    }
    for (const [name, version] of [
      ['live', '4'],
      ['previous', '3'],
      ['beta', '2'],
    ]) {
      await lambda.send(new CreateAliasCommand({ FunctionName: ESTATE_FUNCTIONS.worker, Name: name, FunctionVersion: version }));
    }
    // Another team's function, outside the environment, attaches v5.
    await create('another-team-api', [v5], 'theirs', 'not ours');
    // Three deployments, as Terraform's state versions.
    const functionResource = (name: keyof typeof ESTATE_FUNCTIONS, layerArns: string[], sha: string) => ({
      type: 'aws_lambda_function',
      name: `fn_${name}`,
      attributes: { function_name: ESTATE_FUNCTIONS[name], layers: layerArns, source_code_hash: sha },
    });
    const layerResource = (arn: string) => ({
      type: 'aws_lambda_layer_version',
      name: 'dependencies',
      attributes: { arn, layer_name: LAYER, version: arn.split(':').pop(), description: layerDescriptions[layers.indexOf(arn)], skip_destroy: true },
    });
    const deployments = [
      { serial: 1, resources: [layerResource(v1), functionResource('api', [v1], 'b2xkIGFwaQ==')], others: {} },
      {
        serial: 3,
        resources: [
          layerResource(v2),
          functionResource('api', [v2], codeSha['api:1']),
          functionResource('stats', [], codeSha['stats:1']),
          functionResource('worker', [v2], codeSha['worker:3']),
        ],
        others: { stats: '1', worker: '3' },
      },
      {
        serial: 5,
        resources: [
          layerResource(v3),
          functionResource('api', [v3], codeSha['api:2']),
          functionResource('stats', [], codeSha['stats:1']),
          functionResource('worker', [v2], codeSha['worker:4']),
        ],
        others: { stats: '1', worker: '4' },
      },
    ];
    for (const deployment of deployments) {
      const state = terraformStateFile({
        serial: deployment.serial,
        lineage: '6a0c9a3e-4d2f-4b51-a4b8-00000000e57a',
        outputs: {
          function_name: ESTATE_FUNCTIONS.api,
          ...(Object.keys(deployment.others).length ? { function_versions: deployment.others, function_live_versions: deployment.others } : {}),
        },
        resources: deployment.resources,
      });
      // One serial per deploy: the history orders them by serial, whatever second each was written in.
      await s3.send(new PutObjectCommand({ Bucket: ESTATE_BUCKETS.state, Key: STATE_KEY, Body: state }));
    }
    return {
      moto,
      lambda,
      s3,
      layers,
      codeSha,
      builtLayerHash: built.contentHash,
      env: { ...moto.env, STATE_BUCKET: ESTATE_BUCKETS.state, ARTIFACT_BUCKET: ESTATE_BUCKETS.artifacts },
      stop: async () => {
        lambda.destroy();
        s3.destroy();
        await moto.stop();
      },
    };
  } catch (error) {
    lambda.destroy();
    s3.destroy();
    await moto.stop();
    throw error;
  } finally {
    iam.destroy();
  }
}
