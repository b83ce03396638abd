/**
 * The numbers of AWS Lambda and of API Gateway HTTP APIs that the project checks, each written once: the settings
 * schema, the constructs, the deployment rules, the local run and the layer descriptions read them from here.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 */
export const LAMBDA_LIMITS = {
  /** Layers attached to one function, managed layers included. */
  layersPerFunction: 5,
  /** Function code plus all layers, unzipped. */
  unzippedBytes: 262_144_000,
  /** A zip uploaded with the API call itself; larger ones go through S3. */
  directUploadBytes: 52_428_800,
  memoryMb: { min: 128, max: 10_240 },
  timeoutSeconds: { min: 1, max: 900 },
  /** A synchronous invocation's event, counted whole. */
  requestBytes: 6_291_456,
  /** A synchronous invocation's response, counted on the handler's JSON result. */
  responseBytes: 6_291_556,
  /** A layer version's description. */
  descriptionCharacters: 256,
} as const;

export const HTTP_API_LIMITS = {
  /** How long an HTTP API waits for its integration: a function may run longer, but nobody hears its answer. */
  integrationTimeoutSeconds: 30,
} as const;
