import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListLayerVersionsCommand,
  ListVersionsByFunctionCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { aliasRuns, functionAliases, functionVersions, layerVersions, readAllPages, readEnvironment, regionConsumers } from '../../aws/lambda-listing';
import { AwsClients } from '../../aws/clients';
import { MotoServer, startMoto } from '../support/moto';

/**
 * Lambda's lists read to their end, against moto's Lambda server paging one item a page (as Lambda pages, with
 * NextMarker), with a page that fails on the server: a list that stops part way comes back with its failure, never
 * as a shorter list that looks whole.
 */

let moto: MotoServer;
let clients: AwsClients;
const layerArns: string[] = [];

beforeAll(async () => {
  moto = await startMoto('ap-northeast-1', {
    pageSize: 1,
    faults: [
      { operation: 'ListLayerVersions', layer: 'broken', page: 3 },
      { operation: 'ListVersionsByFunction', function: 'fails', page: 2, error: 'ServiceException', status: 500 },
      { operation: 'ListAliases', function: 'two', page: 1, error: 'AccessDeniedException', status: 403 },
    ],
  });
  const lambda = new LambdaClient({ ...moto.sdk, maxAttempts: 2 });
  clients = { lambda, s3: new S3Client(moto.sdk) };
  const iam = new IAMClient(moto.sdk);
  const role = (await iam.send(new CreateRoleCommand({ RoleName: 'listing', AssumeRolePolicyDocument: '{}' }))).Role!.Arn!;
  iam.destroy();
  for (const name of ['shared', 'shared', 'shared', 'broken', 'broken', 'broken', 'broken']) {
    const published = await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: Buffer.from(`${name} ${layerArns.length}`) } }));
    layerArns.push(published.LayerVersionArn!);
  }
  for (const name of ['one', 'two', 'fails']) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs24.x',
        Role: role,
        Handler: 'index.handler',
        Code: { ZipFile: Buffer.from(name) },
        Layers: [layerArns[0]],
      }),
    );
    for (let version = 1; version <= 3; version++) {
      await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Layers: [layerArns[version - 1]], Description: `${name} ${version}` }));
      await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    }
  }
  await lambda.send(
    new CreateAliasCommand({ FunctionName: 'one', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { '3': 0.1 } } }),
  );
  await lambda.send(new CreateAliasCommand({ FunctionName: 'one', Name: 'previous', FunctionVersion: '1' }));
}, 120_000);

afterAll(async () => {
  clients?.lambda.destroy();
  clients?.s3.destroy();
  await moto?.stop();
});

describe('Lambda lists, every page', () => {
  it('reads every version of a function, one a page, with each configuration', async () => {
    const listed = await functionVersions(clients, 'one');
    expect(listed.failure).toBeUndefined();
    expect(listed.exists).toBe(true);
    expect(listed.items.map((seen) => [seen.version, seen.layers, seen.description])).toEqual([
      ['$LATEST', [layerArns[2]], 'one 3'],
      ['1', [layerArns[0]], 'one 1'],
      ['2', [layerArns[1]], 'one 2'],
      ['3', [layerArns[2]], 'one 3'],
    ]);
    expect(listed.items.every((seen) => typeof seen.codeSha256 === 'string')).toBe(true);
  });

  it("says a function Lambda does not have is not there (Lambda's ResourceNotFoundException), rather than without versions", async () => {
    expect(await functionVersions(clients, 'nobody')).toEqual({ items: [], exists: false });
    expect(await functionAliases(clients, 'nobody')).toEqual({ items: [], exists: false });
  });

  it('says a first page that fails for another reason than a missing function, and takes the function as there', async () => {
    expect(await functionAliases(clients, 'two')).toEqual({
      items: [],
      exists: true,
      failure: { list: 'aliases of two', page: 1, error: expect.stringMatching(/^AccessDeniedException: /) },
    });
  });

  it('reads every alias with its weights', async () => {
    const aliases = await functionAliases(clients, 'one');
    expect(aliases.failure).toBeUndefined();
    expect(aliases.items).toEqual([
      { functionName: 'one', name: 'live', version: '2', weights: { '3': 0.1 } },
      { functionName: 'one', name: 'previous', version: '1', weights: {} },
    ]);
  });

  it('returns what it read and the failure, with its page, when a page fails part way', async () => {
    const broken = await layerVersions(clients, 'broken');
    expect(broken.items.map((version) => version.version)).toEqual([4, 3]);
    expect(broken.failure).toEqual({ list: 'versions of layer broken', page: 3, error: expect.stringMatching(/^TooManyRequestsException: /) });
    const fails = await functionVersions(clients, 'fails');
    expect(fails.exists).toBe(true);
    expect(fails.items).toHaveLength(1);
    expect(fails.failure).toEqual({ list: 'versions of fails', page: 2, error: expect.stringMatching(/^ServiceException: /) });
    const whole = await layerVersions(clients, 'shared');
    expect(whole).toEqual({ items: [3, 2, 1].map((version) => expect.objectContaining({ layerName: 'shared', version })) });
  });

  it('finds every function version of the region that uses a layer, across every page of ListFunctions', async () => {
    const listed = await regionConsumers(clients, (arn) => arn === layerArns[0]);
    expect(listed.failure).toBeUndefined();
    expect(listed.items.map((seen) => `${seen.functionName}:${seen.version}`).sort()).toEqual(['fails:1', 'one:1', 'two:1']);
  });

  it('puts an environment together, every failure listed', async () => {
    const reading = await readEnvironment(clients, { functions: { one: 'one', fails: 'fails', gone: 'gone' }, layers: ['shared', 'broken'], regionWide: true });
    expect(reading.incomplete.map((failure) => [failure.list, failure.page])).toEqual([
      ['versions of layer broken', 3],
      ['versions of fails', 2],
    ]);
    expect(reading.functions.map((fn) => [fn.name, fn.exists, fn.versions.length, fn.aliases.length])).toEqual([
      ['one', true, 4, 2],
      ['fails', true, 1, 0],
      ['gone', false, 0, 0],
    ]);
    expect(reading.layerVersions.every((version) => version.codeSize !== undefined && version.codeSha256)).toBe(true);
    expect(reading.outside?.map((seen) => seen.functionName).sort()).toEqual(['two', 'two', 'two', 'two']);
  });

  it('reads what an alias runs: each version it routes to', async () => {
    const runs = await aliasRuns(clients, 'one', 'live');
    expect(runs.alias).toEqual({ functionName: 'one', name: 'live', version: '2', weights: { '3': 0.1 } });
    expect(runs.versions.map((seen) => [seen.version, seen.layers])).toEqual([
      ['2', [layerArns[1]]],
      ['3', [layerArns[2]]],
    ]);
    expect(await aliasRuns(clients, 'two', 'live')).toEqual({ exists: true, versions: [] });
    expect(await aliasRuns(clients, 'nobody', 'live')).toEqual({ exists: false, versions: [] });
  });

  it('is read from a server that pages each list as Lambda does: one item and a marker for the rest', async () => {
    const lambda = clients.lambda;
    const pages: { items?: unknown[]; NextMarker?: string }[] = [
      await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' })).then((page) => ({ ...page, items: page.Functions })),
      await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'one' })).then((page) => ({ ...page, items: page.Versions })),
      await lambda.send(new ListAliasesCommand({ FunctionName: 'one' })).then((page) => ({ ...page, items: page.Aliases })),
      await lambda.send(new ListLayerVersionsCommand({ LayerName: 'shared' })).then((page) => ({ ...page, items: page.LayerVersions })),
    ];
    expect(pages.map((page) => [page.items?.length, typeof page.NextMarker])).toEqual([
      [1, 'string'],
      [1, 'string'],
      [1, 'string'],
      [1, 'string'],
    ]);
  });

  it('says a scan of the region that fails part way, with what it read', async () => {
    const faulty = await startMoto('ap-northeast-1', { pageSize: 1, faults: [{ operation: 'ListFunctions', page: 2 }] });
    const lambda = new LambdaClient({ ...faulty.sdk, maxAttempts: 1 });
    const iam = new IAMClient(faulty.sdk);
    try {
      const role = (await iam.send(new CreateRoleCommand({ RoleName: 'scan', AssumeRolePolicyDocument: '{}' }))).Role!.Arn!;
      for (const name of ['first', 'second']) {
        await lambda.send(
          new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs24.x', Role: role, Handler: 'index.handler', Code: { ZipFile: Buffer.from(name) } }),
        );
      }
      const listed = await regionConsumers({ lambda, s3: clients.s3 }, () => true);
      expect(listed.failure).toEqual({ list: 'functions of the region (every version)', page: 2, error: expect.stringMatching(/^TooManyRequestsException: /) });
      const reading = await readEnvironment({ lambda, s3: clients.s3 }, { functions: {}, layers: [], regionWide: true });
      expect(reading.incomplete.map((failure) => failure.list)).toEqual(['functions of the region (every version)']);
    } finally {
      iam.destroy();
      lambda.destroy();
      await faulty.stop();
    }
  });

  it('stops, as a failure, when Lambda gives an earlier marker again', async () => {
    const pages = [
      { items: [1], next: 'a' },
      { items: [2], next: 'b' },
      { items: [3], next: 'a' },
    ];
    let asked = 0;
    const listing = await readAllPages('numbers', () => Promise.resolve(pages[asked++]));
    expect(listing).toEqual({ items: [1, 2, 3], failure: { list: 'numbers', page: 4, error: 'Lambda gave the marker of an earlier page again (a)' } });
  });
});
