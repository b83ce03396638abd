import {
  FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListLayerVersionsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { AliasSeen, EnvironmentReading, FunctionSeen, FunctionVersionSeen, LayerVersionSeen, ListingFailure } from '../ledger/readings';
import { parseLayerArn } from '../history/terraform-state';
import { AwsClients, awsError } from './clients';
import { describeFunction, describeLayerVersion } from './lambda';

/**
 * Lambda's lists, read to their end: every page of every list, following NextMarker. A list that fails part way
 * comes back with what it read and the failure (its page and Lambda's error), never as a shorter list that looks
 * whole. Thin: Lambda calls only; ledger/ decides what the readings mean.
 */

/** The most items Lambda gives a page of these lists. */
const PAGE_ITEMS = 50;

export interface Listing<T> {
  readonly items: T[];
  /** Absent when the list was read to its end. */
  readonly failure?: ListingFailure;
}

/** Reads every page: a page that fails ends the list with the failure and the page it was. */
export async function readAllPages<T>(list: string, page: (marker: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<Listing<T>> {
  const items: T[] = [];
  let marker: string | undefined;
  let number = 1;
  const seen = new Set<string>();
  for (;;) {
    let answer: { items: T[]; next?: string };
    try {
      answer = await page(marker);
    } catch (error) {
      const { name, message } = awsError(error);
      return { items, failure: { list, page: number, error: `${name}: ${message}` } };
    }
    items.push(...answer.items);
    if (!answer.next) return { items };
    // A marker given twice would list forever: say so rather than loop.
    if (seen.has(answer.next)) return { items, failure: { list, page: number + 1, error: `Lambda gave the marker of an earlier page again (${answer.next})` } };
    seen.add(answer.next);
    marker = answer.next;
    number += 1;
  }
}

function versionSeen(config: FunctionConfiguration, functionName: string): FunctionVersionSeen {
  return {
    functionName: config.FunctionName ?? functionName,
    version: config.Version ?? '$LATEST',
    layers: (config.Layers ?? []).flatMap((layer) => (layer.Arn ? [layer.Arn] : [])),
    ...(config.CodeSha256 ? { codeSha256: config.CodeSha256 } : {}),
    ...(config.Description !== undefined ? { description: config.Description } : {}),
    ...(config.Runtime ? { runtime: config.Runtime } : {}),
    ...(config.LastModified ? { lastModified: config.LastModified } : {}),
  };
}

const notFound = (failure: ListingFailure | undefined): boolean => failure?.page === 1 && failure.error.startsWith('ResourceNotFoundException');

/** Every version of a function ($LATEST and each published one) with its configuration; `exists: false` when there is no such function. */
export async function functionVersions(clients: AwsClients, functionName: string): Promise<Listing<FunctionVersionSeen> & { exists: boolean }> {
  const listing = await readAllPages(`versions of ${functionName}`, async (marker) => {
    const page = await clients.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, MaxItems: PAGE_ITEMS, Marker: marker }));
    return { items: (page.Versions ?? []).map((config) => versionSeen(config, functionName)), ...(page.NextMarker ? { next: page.NextMarker } : {}) };
  });
  return notFound(listing.failure) ? { items: [], exists: false } : { ...listing, exists: true };
}

/** Every alias of a function, with its weights. */
export async function functionAliases(clients: AwsClients, functionName: string): Promise<Listing<AliasSeen> & { exists: boolean }> {
  const listing = await readAllPages(`aliases of ${functionName}`, async (marker) => {
    const page = await clients.lambda.send(new ListAliasesCommand({ FunctionName: functionName, MaxItems: PAGE_ITEMS, Marker: marker }));
    return {
      items: (page.Aliases ?? []).flatMap((alias) =>
        alias.Name && alias.FunctionVersion
          ? [{ functionName, name: alias.Name, version: alias.FunctionVersion, weights: { ...alias.RoutingConfig?.AdditionalVersionWeights } }]
          : [],
      ),
      ...(page.NextMarker ? { next: page.NextMarker } : {}),
    };
  });
  return notFound(listing.failure) ? { items: [], exists: false } : { ...listing, exists: true };
}

/** Every version of a layer, newest first (none when the layer was never published). */
export async function layerVersions(clients: AwsClients, layerName: string): Promise<Listing<LayerVersionSeen>> {
  return readAllPages(`versions of layer ${layerName}`, async (marker) => {
    const page = await clients.lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, MaxItems: PAGE_ITEMS, Marker: marker }));
    return {
      items: (page.LayerVersions ?? []).flatMap((version) =>
        version.LayerVersionArn && version.Version !== undefined
          ? [
              {
                arn: version.LayerVersionArn,
                layerName,
                version: version.Version,
                ...(version.Description !== undefined ? { description: version.Description } : {}),
                ...(version.CreatedDate ? { created: version.CreatedDate } : {}),
              },
            ]
          : [],
      ),
      ...(page.NextMarker ? { next: page.NextMarker } : {}),
    };
  });
}

/** Every function version in the region that uses one of the given layers (ListFunctions with every version). */
export async function regionConsumers(clients: AwsClients, uses: (arn: string) => boolean): Promise<Listing<FunctionVersionSeen>> {
  return readAllPages('functions of the region (every version)', async (marker) => {
    const page = await clients.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: PAGE_ITEMS, Marker: marker }));
    return {
      items: (page.Functions ?? []).map((config) => versionSeen(config, config.FunctionName ?? '')).filter((seen) => seen.layers.some(uses)),
      ...(page.NextMarker ? { next: page.NextMarker } : {}),
    };
  });
}

/** A version's size and SHA-256, from GetLayerVersion (describeLayerVersion); undefined when it is gone. Other failures throw. */
async function layerVersionSize(clients: AwsClients, version: LayerVersionSeen): Promise<{ codeSize?: number; codeSha256?: string } | undefined> {
  const described = await describeLayerVersion(clients, version.arn);
  return (
    described && {
      ...(described.codeSize !== undefined ? { codeSize: described.codeSize } : {}),
      ...(described.codeSha256 ? { codeSha256: described.codeSha256 } : {}),
    }
  );
}

/** One version's configuration ($LATEST or a number). */
async function versionConfiguration(clients: AwsClients, functionName: string, version: string): Promise<FunctionVersionSeen> {
  return versionSeen(await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: version })), functionName);
}

/** Runs each task with at most `limit` at once (Lambda's read calls are rate limited per account), in order of the input. */
async function inTurns<T, R>(inputs: readonly T[], limit: number, task: (input: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

export interface EnvironmentNames {
  /** The environment's functions: name in the configuration → name in AWS. */
  readonly functions: Readonly<Record<string, string>>;
  /** Its layers' names in AWS. */
  readonly layers: readonly string[];
  /** Also list every function of the region, to find other functions that use these layers. */
  readonly regionWide: boolean;
}

/** What Lambda holds for an environment, every list read to its end or its failure said. */
export async function readEnvironment(clients: AwsClients, names: EnvironmentNames): Promise<EnvironmentReading> {
  const incomplete: ListingFailure[] = [];
  const layerListings = await inTurns([...names.layers].sort(), 4, (layer) => layerVersions(clients, layer));
  const versions = layerListings.flatMap((listing) => {
    if (listing.failure) incomplete.push(listing.failure);
    return listing.items;
  });
  const layerVersionsSeen = await inTurns(versions, 4, async (version) => {
    try {
      return { ...version, ...(await layerVersionSize(clients, version)) };
    } catch (error) {
      const { name, message } = awsError(error);
      return { ...version, sizeUnknown: `GetLayerVersion answered ${name}: ${message}` };
    }
  });
  const functions = await inTurns(Object.entries(names.functions), 2, async ([name, functionName]): Promise<FunctionSeen> => {
    const [listed, aliases] = [await functionVersions(clients, functionName), await functionAliases(clients, functionName)];
    for (const failure of [listed.failure, aliases.failure]) if (failure) incomplete.push(failure);
    // A version an alias routes to that the listing did not reach (it stopped part way) is read on its own: what serves is known.
    const versions = [...listed.items];
    const routed = new Set(aliases.items.flatMap((alias) => [alias.version, ...Object.keys(alias.weights)]));
    for (const version of [...routed].filter((candidate) => !versions.some((seen) => seen.version === candidate)).sort()) {
      try {
        versions.push(await versionConfiguration(clients, functionName, version));
      } catch (error) {
        const { name: errorName, message } = awsError(error);
        incomplete.push({ list: `configuration of ${functionName}:${version}`, page: 1, error: `${errorName}: ${message}` });
      }
    }
    return { name, functionName, exists: listed.exists && aliases.exists, versions, aliases: aliases.items };
  });
  let outside: FunctionVersionSeen[] | undefined;
  if (names.regionWide) {
    const own = new Set(Object.values(names.functions));
    const layerNames = new Set(names.layers);
    const region = await regionConsumers(clients, (arn) => layerNames.has(parseLayerArn(arn)?.name ?? ''));
    if (region.failure) incomplete.push(region.failure);
    outside = region.items.filter((seen) => !own.has(seen.functionName));
  }
  return { layerNames: [...names.layers].sort(), layerVersions: layerVersionsSeen, functions, ...(outside ? { outside } : {}), incomplete };
}

/** What a function's alias runs: the alias and the configuration of each version it sends requests to. */
export interface AliasReading {
  readonly exists: boolean;
  readonly alias?: AliasSeen;
  readonly versions: readonly FunctionVersionSeen[];
}

/** The alias of a function and the versions it routes to; `exists: false` when the function is not there, no alias when it has none of that name. */
export async function aliasRuns(clients: AwsClients, functionName: string, aliasName: string): Promise<AliasReading> {
  let alias: AliasSeen;
  try {
    const got = await clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: aliasName }));
    alias = { functionName, name: aliasName, version: got.FunctionVersion ?? '$LATEST', weights: { ...got.RoutingConfig?.AdditionalVersionWeights } };
  } catch (error) {
    if (awsError(error).name !== 'ResourceNotFoundException') throw error;
    return { exists: (await describeFunction(clients, functionName)) !== undefined, versions: [] };
  }
  const versions = await Promise.all([alias.version, ...Object.keys(alias.weights)].map((version) => versionConfiguration(clients, functionName, version)));
  return { exists: true, alias, versions };
}
