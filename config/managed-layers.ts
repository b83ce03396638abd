import { Architecture, EnvironmentConfig, PythonRuntime, Runtime, pythonVersionOf, runtimeFamilyOf } from './environments';
import { managedLayerUnknown } from './errors';

/** A layer AWS publishes, attached by ARN; it counts toward Lambda's five layers. */
export interface ManagedLayer {
  readonly name: string;
  readonly arn: string;
  /** The pinned layer version (the number at the end of the ARN). */
  readonly version: number;
  /**
   * Packages the function's bundle leaves out when this layer is attached: the layer's own,
   * and for TypeScript the runtime's AWS SDK, which Powertools relies on (npm patterns or Python modules).
   */
  readonly externalPackages: readonly string[];
  /** What the layer holds, from the pinned table below: what imports it satisfies. */
  readonly contents: ManagedLayerContents;
}

/** What one managed layer holds, for the import coverage rule. */
export interface ManagedLayerContents {
  /** Python top-level modules, or npm package names and patterns ("@aws-lambda-powertools/*"). */
  readonly provides: readonly string[];
  /** Python: the distributions installed, for the check of layers' declared dependencies. */
  readonly distributions: readonly string[];
  /** Layer versions this table describes, first to last. */
  readonly versions: readonly [number, number];
}

/**
 * What the Powertools layers hold. The Python V3 layer is built from
 * `aws-lambda-powertools[all]` (tracer, validation, parser, data masking) without
 * boto3, which the runtime has; the TypeScript V2 layer holds the Powertools
 * packages and the X-Ray SDK the tracer needs, and relies on the runtime's AWS SDK
 * (both from the Powertools documentation's "Lambda layer" sections). A pinned
 * version outside `versions` is assumed to hold the same and the rule says so.
 */
export const MANAGED_LAYER_CONTENTS: Readonly<Record<'python' | 'nodejs', ManagedLayerContents>> = {
  python: {
    provides: [
      'aws_lambda_powertools',
      'jmespath',
      'typing_extensions',
      'aws_xray_sdk',
      'wrapt',
      'fastjsonschema',
      'pydantic',
      'pydantic_core',
      'annotated_types',
      'typing_inspection',
      'aws_encryption_sdk',
      'cryptography',
      'cffi',
      '_cffi_backend',
      'pycparser',
      'attr',
      'attrs',
      'jsonpath_ng',
      'ply',
    ],
    distributions: [
      'aws-lambda-powertools',
      'jmespath',
      'typing-extensions',
      'aws-xray-sdk',
      'wrapt',
      'fastjsonschema',
      'pydantic',
      'pydantic-core',
      'annotated-types',
      'typing-inspection',
      'aws-encryption-sdk',
      'cryptography',
      'cffi',
      'pycparser',
      'attrs',
      'jsonpath-ng',
      'ply',
    ],
    versions: [1, 27],
  },
  nodejs: {
    provides: ['@aws-lambda-powertools/*', 'aws-xray-sdk-core'],
    distributions: [],
    versions: [1, 44],
  },
};

/** The publishing accounts of Powertools for AWS Lambda, per partition (from its documentation). */
const POWERTOOLS_ACCOUNTS = {
  python: { aws: '017000801446', 'aws-cn': '498634801083' },
  nodejs: { aws: '094274105915' },
} as const;

export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The Powertools for AWS Lambda layer ARN for a region, runtime and architecture,
 * at a pinned version: Python V3 layers are per Python version and architecture,
 * the TypeScript V2 layer is one for all Node.js runtimes and architectures.
 */
export function powertoolsLayerArn(region: string, runtime: Runtime, architecture: Architecture, version: number): string {
  const family = runtimeFamilyOf(runtime);
  const partition = partitionOf(region);
  const accounts = POWERTOOLS_ACCOUNTS[family] as Partial<Record<string, string>>;
  const account = accounts[partition];
  if (!account) {
    throw managedLayerUnknown(family === 'python' ? 'Python' : 'TypeScript', region, partition);
  }
  if (family === 'python') {
    const python = `python${pythonVersionOf(runtime as PythonRuntime).replace('.', '')}`;
    return `arn:${partition}:lambda:${region}:${account}:layer:AWSLambdaPowertoolsPythonV3-${python}-${architecture}:${version}`;
  }
  return `arn:${partition}:lambda:${region}:${account}:layer:AWSLambdaPowertoolsTypeScriptV2:${version}`;
}

/** The managed layers an environment attaches: Powertools with "hybrid", none otherwise. */
export function managedLayersOf(
  env: Pick<EnvironmentConfig, 'region' | 'runtime' | 'architecture' | 'layerStrategy' | 'powertoolsPythonLayerVersion' | 'powertoolsTypeScriptLayerVersion'>,
): ManagedLayer[] {
  if (env.layerStrategy !== 'hybrid') return [];
  const python = runtimeFamilyOf(env.runtime) === 'python';
  const version = python ? env.powertoolsPythonLayerVersion : env.powertoolsTypeScriptLayerVersion;
  return [
    {
      name: python ? 'powertools-python' : 'powertools-typescript',
      arn: powertoolsLayerArn(env.region, env.runtime, env.architecture, version),
      version,
      contents: MANAGED_LAYER_CONTENTS[python ? 'python' : 'nodejs'],
      externalPackages: python ? ['aws_lambda_powertools'] : ['@aws-lambda-powertools/*', '@aws-sdk/*'],
    },
  ];
}
