import { Architecture, EnvironmentConfig, PythonRuntime, Runtime, pythonVersionOf, runtimeFamilyOf } from './environments';
import { UserError } from '../project/errors';

/** A layer AWS publishes, attached by ARN; it counts toward Lambda's five layers. */
export interface ManagedLayer {
  readonly name: string;
  readonly arn: string;
  /**
   * Packages the function's bundle leaves out when this layer is attached: the layer's own,
   * and for TypeScript the runtime's AWS SDK, which Powertools relies on (npm patterns or Python modules).
   */
  readonly externalPackages: readonly string[];
}

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
    throw new UserError(
      'MANAGED_LAYER_UNKNOWN',
      `No Powertools for AWS Lambda ${family === 'python' ? 'Python' : 'TypeScript'} layer is known for region ${region} ` +
        `(partition ${partition}); use the "single" or "split" strategy there.`,
    );
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
      externalPackages: python ? ['aws_lambda_powertools'] : ['@aws-lambda-powertools/*', '@aws-sdk/*'],
    },
  ];
}
