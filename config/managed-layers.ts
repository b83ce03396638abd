import { Architecture, EnvironmentConfig } from './environments';
import { FamilyDefinition, ManagedLayerContents } from '../families/family';
import { managedLayerUnknown } from './errors';

export type { ManagedLayerContents };

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

export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The Powertools for AWS Lambda layer ARN for a region, runtime and architecture, at a pinned version: Python V3
 * layers are per Python version and architecture, the TypeScript V2 layer is one for all Node.js runtimes and
 * architectures (the family's definition names it).
 */
export function powertoolsLayerArn(family: FamilyDefinition, region: string, runtime: string, architecture: Architecture, version: number): string {
  const partition = partitionOf(region);
  const powertools = family.powertools;
  const account = powertools?.accounts[partition];
  if (!powertools || !account) throw managedLayerUnknown(powertools?.label ?? family.name, region, partition);
  return `arn:${partition}:lambda:${region}:${account}:layer:${powertools.layerName(runtime, architecture)}:${version}`;
}

/** The managed layers an environment attaches: its family's Powertools with "hybrid", none otherwise. */
export function managedLayersOf(
  family: FamilyDefinition,
  env: Pick<EnvironmentConfig, 'region' | 'runtime' | 'architecture' | 'layerStrategy' | 'powertoolsPythonLayerVersion' | 'powertoolsTypeScriptLayerVersion'>,
): ManagedLayer[] {
  if (env.layerStrategy !== 'hybrid') return [];
  const powertools = family.powertools;
  if (!powertools) throw managedLayerUnknown(family.name, env.region, partitionOf(env.region));
  const version = env[powertools.versionSetting];
  return [
    {
      name: powertools.name,
      arn: powertoolsLayerArn(family, env.region, env.runtime, env.architecture, version),
      version,
      contents: powertools.contents,
      externalPackages: powertools.externalPackages,
    },
  ];
}
