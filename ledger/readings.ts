/**
 * What Lambda says about an environment, as the ledger and the drift check read it: its layers' versions, its
 * functions' versions and aliases, and every list that could not be read to its end. The readers (aws/lambda-listing.ts)
 * fill these in; the deciders beside this file judge them. Types only.
 */

/** A list Lambda could not give in full: which, the page it stopped at (1 is the first), and Lambda's answer. */
export interface ListingFailure {
  /** What was being listed, in a person's words: "versions of multicloud-auto-deploy-prod-worker". */
  readonly list: string;
  readonly page: number;
  /** The error's name and message, e.g. "TooManyRequestsException: Rate exceeded". */
  readonly error: string;
}

/** One version of a layer, from ListLayerVersions (and GetLayerVersion for its size). */
export interface LayerVersionSeen {
  readonly arn: string;
  readonly layerName: string;
  readonly version: number;
  readonly description?: string;
  readonly created?: string;
  /** The zip's size, from GetLayerVersion. */
  readonly codeSize?: number;
  readonly codeSha256?: string;
  /** Why the size could not be read (the version itself was listed). */
  readonly sizeUnknown?: string;
}

/** One version of a function ($LATEST or a published number), from ListVersionsByFunction or GetFunctionConfiguration. */
export interface FunctionVersionSeen {
  readonly functionName: string;
  readonly version: string;
  /** Layer version ARNs, in order. */
  readonly layers: readonly string[];
  /** base64 SHA-256 of the code zip, as Lambda computed it. */
  readonly codeSha256?: string;
  readonly description?: string;
  readonly runtime?: string;
  readonly lastModified?: string;
}

/** An alias: the version it points to and the versions it sends a share of requests to (RoutingConfig). */
export interface AliasSeen {
  readonly functionName: string;
  readonly name: string;
  readonly version: string;
  /** AdditionalVersionWeights: version → share (0 to 1). */
  readonly weights: Readonly<Record<string, number>>;
}

/** One of the environment's functions, by its name in the configuration. */
export interface FunctionSeen {
  /** Its name in the configuration: api, worker. */
  readonly name: string;
  /** Its name in AWS. */
  readonly functionName: string;
  /** False when Lambda has no such function. */
  readonly exists: boolean;
  readonly versions: readonly FunctionVersionSeen[];
  readonly aliases: readonly AliasSeen[];
}

/** Everything read for one environment. */
export interface EnvironmentReading {
  /** The layer names whose versions were listed (absent: those the listed versions have). */
  readonly layerNames?: readonly string[];
  readonly layerVersions: readonly LayerVersionSeen[];
  readonly functions: readonly FunctionSeen[];
  /**
   * Every other function version in the region that uses one of these layers (ListFunctions, every version); absent
   * when the region was not read (a reader that may list only its own environment).
   */
  readonly outside?: readonly FunctionVersionSeen[];
  /** Every list that stopped part way: while there is one, nothing is free. */
  readonly incomplete: readonly ListingFailure[];
}

/** The share of requests an alias sends to each version: the weights, and the rest to the version it points to. */
export function aliasShares(alias: Pick<AliasSeen, 'version' | 'weights'>): { version: string; share: number }[] {
  const extra = Object.entries(alias.weights).map(([version, share]) => ({ version, share }));
  const rest = 1 - extra.reduce((sum, entry) => sum + entry.share, 0);
  return [{ version: alias.version, share: Math.round(rest * 1e6) / 1e6 }, ...extra];
}
