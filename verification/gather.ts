import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MESSAGES_TABLE } from '../handlers/api/messages-table';
import { BuildManifest, LayerArtifact } from '../artifacts/manifest';
import { EnvironmentConfig, functionNameOf, ownLayerFolderOf } from '../config/environments';
import { FamilyDefinition } from '../families/family';
import { AwsClients } from '../aws/clients';
import { describeFunction, describeLayerVersion } from '../aws/lambda';
import { currentState, stateVersions } from '../aws/state';
import { deploymentsFrom } from '../history/deployments';
import { knownLayers } from '../history/layer-rollback';
import { DeployedLayer, parseLayerArn } from '../history/terraform-state';
import { API_STEPS, PROBE_MESSAGE, checkApi } from './api-check';
import { DeployedStackFacts, LayerFacts } from './deployment-check';
import { zipEntryNames } from './zip-entries';
import { textOf } from '../project/text';

export interface GatherOptions {
  readonly env: EnvironmentConfig;
  /** The runtime's family, from the registry the entry point handed down: where a layer's packages sit in its zip. */
  readonly family: FamilyDefinition;
  readonly clients: AwsClients;
  /** The build manifest of this deploy, when it is on disk. */
  readonly manifest?: BuildManifest;
  /** The synthesised stack folder, where the deploy's archives are. */
  readonly stackDir: string;
  readonly waitMs: number;
}

function sha256Base64(file: string): string | undefined {
  return fs.existsSync(file) ? createHash('sha256').update(fs.readFileSync(file)).digest('base64') : undefined;
}

/** What the zip must hold for each package the build put in the layer. */
export function expectedEntries(family: FamilyDefinition, artifact: LayerArtifact): { pkg: string; entry: string }[] {
  return artifact.packages.map((pkg) => ({ pkg: `${pkg.name}@${pkg.version}`, entry: `${pkg.path}/${family.packageMetadataFile}` }));
}

/** Downloads a layer's zip from Lambda's presigned location and lists it. */
export async function layerContent(location: string | undefined): Promise<{ entries: string[] } | { unavailable: string }> {
  if (!location || !/^https?:\/\//.test(location)) return { unavailable: `Lambda gave no downloadable location (${location || 'none'})` };
  try {
    const response = await fetch(location, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) return { unavailable: `downloading the layer answered HTTP ${response.status}` };
    return { entries: zipEntryNames(Buffer.from(await response.arrayBuffer())) };
  } catch (error) {
    return { unavailable: `the layer could not be downloaded or read (${(error as Error).message})` };
  }
}

/** The function's latest log lines (of one version, when given: its streams are named `.../[<version>]...`), newest stream, oldest line first. */
export async function latestLogLines(region: string, functionName: string, limit = 40, version?: string): Promise<string[]> {
  const logs = new CloudWatchLogsClient({ region });
  const logGroupName = `/aws/lambda/${functionName}`;
  try {
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', descending: true, limit: version ? 50 : 1 }));
    const stream = (streams.logStreams ?? []).find((candidate) => !version || (candidate.logStreamName ?? '').includes(`[${version}]`))?.logStreamName;
    if (!stream) return [];
    const events = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: stream, limit, startFromHead: false }));
    return (events.events ?? []).map((event) => `${new Date(event.timestamp ?? 0).toISOString()} ${(event.message ?? '').trimEnd()}`);
  } catch (error) {
    return [`(the log group ${logGroupName} could not be read: ${(error as Error).message})`];
  } finally {
    logs.destroy();
  }
}

/** What the zip must hold for each package a layer version's description lists (after a rollback, where no build made it). */
export function entriesFromDescription(layer: DeployedLayer, family: FamilyDefinition): { pkg: string; entry: string }[] {
  return (layer.packages?.list ?? []).map((pkg) => ({ pkg: `${pkg.name}@${pkg.version}`, entry: family.packageMetadataEntry(pkg.name, pkg.version) }));
}

/**
 * After a rollback the function's layers are the restored deployment's, not this build's: they are checked
 * against what that deployment recorded (each version's CodeSha256 and the packages its description lists),
 * read from the retained state versions.
 */
async function restoredLayers(options: GatherOptions, serial: number): Promise<{ serial: number; known: ReadonlyMap<string, DeployedLayer> }> {
  const { readable } = await stateVersions(options.clients, options.env.stateBucket, options.env.stateKey);
  return { serial, known: knownLayers(deploymentsFrom(readable)) };
}

/** Everything the verdict needs, read from the state, Lambda, the build and the API. */
/**
 * Deletes the message verify's create check wrote, and only it: the key is its id, and the delete holds only while
 * the item is still the check's own message (its content and author), so nothing a user wrote can go.
 */
async function removeProbeMessage(region: string, tableName: string | undefined, id: string): Promise<{ ok: boolean; detail: string }> {
  if (!tableName) return { ok: false, detail: `the message ${id} stays: the state has no table_name output to remove it from` };
  const dynamodb = new DynamoDBClient({ region, maxAttempts: 2 });
  try {
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { [MESSAGES_TABLE.partitionKey]: { S: MESSAGES_TABLE.partition }, [MESSAGES_TABLE.sortKey]: { S: id } },
        ConditionExpression: '#content = :content AND #author = :author',
        ExpressionAttributeNames: { '#content': 'content', '#author': 'author' },
        ExpressionAttributeValues: { ':content': { S: PROBE_MESSAGE.content }, ':author': { S: PROBE_MESSAGE.author } },
      }),
    );
    return { ok: true, detail: `removed ${id} from ${tableName}: verify leaves no message behind` };
  } catch (error) {
    return { ok: false, detail: `the message ${id} stays in ${tableName}: ${(error as Error).name}: ${(error as Error).message}` };
  } finally {
    dynamodb.destroy();
  }
}

export async function gatherFacts(options: GatherOptions): Promise<DeployedStackFacts> {
  const { env, family, clients } = options;
  const state = await currentState(clients, env.stateBucket, env.stateKey);
  const functionName = textOf(state.outputs?.['function_name'] ?? state.function?.functionName ?? functionNameOf(env));
  const desired = { layers: state.function?.layers ?? [], ...(state.function?.runtime ? { runtime: state.function.runtime } : {}) };
  const live = await describeFunction(clients, functionName);
  const restored = state.rollback ? await restoredLayers(options, state.rollback.serial) : undefined;
  const layers: LayerFacts[] = [];
  for (const arn of desired.layers) {
    const parsed = parseLayerArn(arn);
    const folder = parsed ? ownLayerFolderOf(env, parsed.name) : undefined;
    const own = folder !== undefined;
    const version = await describeLayerVersion(clients, arn);
    if (!version) {
      layers.push({ arn, own, exists: false });
      continue;
    }
    let extra: Partial<LayerFacts> = {};
    if (folder !== undefined && restored) {
      const recorded = restored.known.get(arn);
      const expected = recorded ? entriesFromDescription(recorded, family) : [];
      const cut = recorded?.packages && !recorded.packages.complete ? ', as far as its description goes' : '';
      extra = {
        reference: { archive: `serial ${restored.serial} deployed`, packages: `the description of ${parsed!.name}:${parsed!.version}${cut}` },
        ...(recorded?.codeSha256 ? { builtSha256: recorded.codeSha256 } : {}),
        ...(expected.length ? { expected, content: await layerContent(version.location) } : {}),
        unchecked: {
          ...(recorded?.codeSha256 ? {} : { content: `no retained state records the CodeSha256 of ${parsed!.name}:${parsed!.version}` }),
          ...(expected.length ? {} : { packages: `no retained state lists the packages of ${parsed!.name}:${parsed!.version}` }),
        },
      };
    } else if (folder !== undefined) {
      const artifact = options.manifest?.layers.find((layer) => layer.name === folder && layer.family === family.id && layer.architecture === env.architecture);
      const built = sha256Base64(path.join(options.stackDir, 'archives', `layer-${folder}.zip`));
      extra = {
        ...(built ? { builtSha256: built } : {}),
        ...(artifact ? { expected: expectedEntries(family, artifact), content: await layerContent(version.location) } : {}),
        unchecked: {
          ...(built
            ? {}
            : {
                content: `the archive this deploy built (archives/layer-${folder}.zip in the stack folder) is not here; verify beside the deploy's stack folder`,
              }),
          ...(artifact
            ? {}
            : {
                packages: options.manifest
                  ? `the build manifest has no layer ${folder} for ${env.runtime} ${env.architecture}`
                  : 'there is no build manifest here to list the packages the layer should hold (--build-dir)',
              }),
        },
      };
    }
    layers.push({
      arn,
      own,
      exists: true,
      ...(version.codeSha256 ? { codeSha256: version.codeSha256 } : {}),
      compatibleRuntimes: version.compatibleRuntimes,
      compatibleArchitectures: version.compatibleArchitectures,
      ...extra,
    });
  }
  const apiUrl = typeof state.outputs?.['api_url'] === 'string' ? state.outputs['api_url'] : undefined;
  const tableName = typeof state.outputs?.['table_name'] === 'string' ? state.outputs['table_name'] : undefined;
  const removeCreated = (id: string) => removeProbeMessage(env.region, tableName, id);
  const api = apiUrl
    ? await checkApi(apiUrl, { waitMs: options.waitMs, removeCreated })
    : [{ step: 'health' as const, ok: false, detail: 'HTTP 0 no answer: the state has no api_url output', ms: 0 }];
  const failed = !live || api.some((step) => !step.ok) || api.length < API_STEPS.length;
  const logs = failed ? await latestLogLines(env.region, functionName) : [];
  return { stack: env.stackName, functionName, desired, ...(live ? { live } : {}), layers, api, logs };
}
