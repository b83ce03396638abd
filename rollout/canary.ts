/**
 * Whether a canary may be promoted, from CloudWatch's metrics of the new version
 * (AWS/Lambda Errors, Throttles and Invocations by ExecutedVersion): pure, so it is
 * tested with datapoints and the watch loop only reads and asks.
 */

export interface Datapoint {
  readonly timestamp: string;
  readonly value: number;
}

export interface CanaryMetrics {
  readonly errors: readonly Datapoint[];
  readonly throttles: readonly Datapoint[];
  readonly invocations: readonly Datapoint[];
}

export type CanaryDecision =
  | { readonly decision: 'revert'; readonly reason: string }
  | { readonly decision: 'wait'; readonly reason: string }
  | { readonly decision: 'promote'; readonly reason: string; readonly invocations: number };

const total = (points: readonly Datapoint[]): number => points.reduce((sum, point) => sum + point.value, 0);

/**
 * Any error or throttle of the new version reverts at once; a window that ends clean
 * promotes. A window in which the canary took no traffic promotes too, on the probe's
 * evidence alone, and says so.
 */
export function judgeCanary(metrics: CanaryMetrics, elapsedSeconds: number, windowSeconds: number): CanaryDecision {
  const errors = total(metrics.errors);
  const throttles = total(metrics.throttles);
  const invocations = total(metrics.invocations);
  if (errors > 0 || throttles > 0) {
    const parts = [errors > 0 ? `${errors} error(s)` : '', throttles > 0 ? `${throttles} throttle(s)` : ''].filter(Boolean);
    return { decision: 'revert', reason: `the new version had ${parts.join(' and ')} in ${invocations} invocation(s) after ${Math.round(elapsedSeconds)} s` };
  }
  if (elapsedSeconds < windowSeconds) {
    return {
      decision: 'wait',
      reason: `${invocations} invocation(s), no errors or throttles, ${Math.round(windowSeconds - elapsedSeconds)} s of the window left`,
    };
  }
  return {
    decision: 'promote',
    invocations,
    reason:
      invocations > 0
        ? `${invocations} invocation(s) in ${Math.round(windowSeconds)} s without an error or a throttle`
        : `no request reached the canary in ${Math.round(windowSeconds)} s, so only the probe vouches for the new version`,
  };
}

/** "10m", "90s", "1h30m" or seconds as a number, to seconds; undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}
