import { randomUUID } from 'node:crypto';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, InvokeCommand, LambdaClient, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { LIVE_ALIAS } from '../config/rollout-names';
import { CanaryMetrics } from './canary';
import { InvokeOutcome, PROBE_ROUTES, ProbeResult, judgeEventProbe, judgeProbe, probeEvent, probeEventOf, probesOf } from './probe';

/**
 * The rollout's reads and invocations against Lambda and CloudWatch: thin, with the
 * SDK's usual settings (AWS_REGION, credentials, AWS_ENDPOINT_URL_LAMBDA and
 * AWS_ENDPOINT_URL_CLOUDWATCH for a local endpoint).
 */

/** Invokes one version of a function synchronously and reads Lambda's answer as the probe needs it. */
export async function invokeVersion(client: LambdaClient, functionName: string, qualifier: string, event: unknown): Promise<InvokeOutcome> {
  const response = await client.send(
    new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
  );
  return {
    ...(response.FunctionError ? { functionError: response.FunctionError } : {}),
    payload: response.Payload ? Buffer.from(response.Payload).toString('utf8') : '',
    ...(response.ExecutedVersion ? { executedVersion: response.ExecutedVersion } : {}),
  };
}

/** The invocation a probe makes, judged; one Lambda refuses (no such version, no access) fails with why. */
async function probeWith(route: string, invoke: () => Promise<InvokeOutcome>, judge: (outcome: InvokeOutcome) => ProbeResult): Promise<ProbeResult> {
  try {
    return judge(await invoke());
  } catch (error) {
    const err = error as Error & { name?: string };
    return { route, ok: false, errorType: err.name, detail: `Lambda refused the invocation: ${err.name}: ${err.message}`, answer: '' };
  }
}

/** Every probe route of the API against one version. */
export async function runProbe(client: LambdaClient, functionName: string, qualifier: string): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const route of PROBE_ROUTES) {
    results.push(
      await probeWith(
        route.name,
        () => invokeVersion(client, functionName, qualifier, probeEvent(route.path, randomUUID(), new Date())),
        (outcome) => judgeProbe(route, outcome),
      ),
    );
  }
  return results;
}

/** Another function's probes against one version: its plain GET routes, or the probe event (probe.ts probesOf). */
export async function runFunctionProbe(
  client: LambdaClient,
  fn: { readonly name: string; readonly functionName: string; readonly trigger: Parameters<typeof probesOf>[0]['trigger'] },
  qualifier: string,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of probesOf(fn)) {
    if (probe.kind === 'route') {
      const { route } = probe;
      results.push(
        await probeWith(
          route.name,
          () => invokeVersion(client, fn.functionName, qualifier, probeEvent(route.path, randomUUID(), new Date())),
          (outcome) => judgeProbe(route, outcome),
        ),
      );
    } else {
      const token = randomUUID();
      results.push(
        await probeWith(
          `${fn.name}: probe event`,
          () => invokeVersion(client, fn.functionName, qualifier, probeEventOf(token)),
          (outcome) => judgeEventProbe(fn.name, token, outcome),
        ),
      );
    }
  }
  return results;
}

/** The version the alias `live` points to; undefined when the function or the alias does not exist yet. */
export async function currentLiveVersion(client: LambdaClient, functionName: string): Promise<string | undefined> {
  try {
    const alias = await client.send(new GetAliasCommand({ FunctionName: functionName, Name: LIVE_ALIAS }));
    return alias.FunctionVersion;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** The function's published versions, oldest first ($LATEST left out). */
export async function publishedVersions(client: LambdaClient, functionName: string): Promise<string[]> {
  const versions: string[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, ...(marker ? { Marker: marker } : {}) }));
    for (const version of page.Versions ?? []) if (version.Version && version.Version !== '$LATEST') versions.push(version.Version);
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => Number(a) - Number(b));
}

/** The new version's Errors, Throttles and Invocations (AWS/Lambda, by ExecutedVersion on the alias), one-minute sums. */
export async function canaryMetrics(client: CloudWatchClient, functionName: string, version: string, from: Date, to: Date): Promise<CanaryMetrics> {
  const dimensions = [
    { Name: 'FunctionName', Value: functionName },
    { Name: 'Resource', Value: `${functionName}:${LIVE_ALIAS}` },
    { Name: 'ExecutedVersion', Value: version },
  ];
  const query = (id: string, metric: string) => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: dimensions }, Period: 60, Stat: 'Sum' },
  });
  const response = await client.send(
    new GetMetricDataCommand({
      StartTime: from,
      EndTime: to,
      MetricDataQueries: [query('errors', 'Errors'), query('throttles', 'Throttles'), query('invocations', 'Invocations')],
    }),
  );
  const points = (id: string) => {
    const result = response.MetricDataResults?.find((candidate) => candidate.Id === id);
    return (result?.Timestamps ?? []).map((timestamp, i) => ({ timestamp: new Date(timestamp).toISOString(), value: result?.Values?.[i] ?? 0 }));
  };
  return { errors: points('errors'), throttles: points('throttles'), invocations: points('invocations') };
}
