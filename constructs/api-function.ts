import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Fn, Token } from 'cdktf';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { BundleArtifact } from '../artifacts/manifest';
import { EnvironmentConfig, functionEnvironment } from '../config/environments';
import { rejectInvalidProps } from './props';
import { LAMBDA_LIMITS } from '../config/lambda-limits';
import { DependencyLayer } from './dependency-layer';
import { ManagedLayer } from '../config/managed-layers';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { FunctionPin } from '../artifacts/rollback-pin';
import { LIVE_ALIAS } from '../config/rollout-names';

/** The function's settings, as an environment has them. */
export type FunctionSettings = Pick<
  EnvironmentConfig,
  'runtime' | 'architecture' | 'memoryMb' | 'timeoutSeconds' | 'reservedConcurrency' | 'logRetentionDays' | 'appVersion' | 'messageTtlDays'
>;

export interface ApiFunctionProps {
  /** The function's name; its role, policy and log group are named after it. */
  readonly functionName: string;
  /** What the function serves, for its description, e.g. "multicloud-auto-deploy, dev". */
  readonly describedAs: string;
  /**
   * What the function is, for its description: "API", "worker function".
   * @default "API"
   */
  readonly title?: string;
  /**
   * Variables besides the table's and the version's (a queue's URL the function may send to).
   * @default - none
   */
  readonly variables?: Readonly<Record<string, string>>;
  readonly settings: FunctionSettings;
  /** The bundled handler, from the build manifest; built for `settings.runtime`. */
  readonly bundle: BundleArtifact;
  /** Attached in this order; Lambda applies later layers over earlier ones. */
  readonly layers: readonly DependencyLayer[];
  /** Layers AWS publishes, attached by ARN before the project's own. */
  readonly managedLayers: readonly ManagedLayer[];
  /** The table the function reads and writes (its role, made by the bootstrap, allows this one and no other). */
  readonly table: DynamodbTable;
  /** Path of the build folder relative to the synthesised stack's folder. */
  readonly buildDirFromStack: string;
  /**
   * Where every bundle goes as a new version of one key, so an older deployment's code can be deployed again.
   * @default - none: the zip is uploaded with the function, and no copy is kept
   */
  readonly codeUpload?: { readonly bucket: string; readonly key: string };
  /**
   * A rollback: the layer ARNs and code of an earlier deployment, from its state.
   * @default - the layers and bundle of this build
   */
  readonly pin?: FunctionPin;
  /**
   * The ARN of the function's execution role. The bootstrap makes it (its own log group and table, trusted by
   * Lambda alone); a deploy only passes it to Lambda and writes no IAM.
   */
  readonly roleArn: string;
  /**
   * Where the alias `live` points, and any canary beside it: Terraform expressions (the stack's variables),
   * so every move of the alias is an apply that state records.
   * @default - the newest version goes live at once, no canary
   */
  readonly live?: LiveAliasSettings;
}

/** Terraform expressions for the alias `live`. */
export type LiveAliasSettings = (
  | {
      /** The version `live` points to; empty for the newest this apply publishes. */
      readonly version: string;
    }
  | {
      /** A map of versions by function name (a variable's value) and this function's key in it; absent for the newest this apply publishes. */
      readonly versions: { readonly map: unknown; readonly key: string };
    }
) & {
  /** The alias's additional version weights: a map of a canary version to its share (0 to 1), or an empty map. @default - no canary */
  readonly canaryWeights?: string;
};

/** What is wrong with the props, in words; empty when nothing is. */
export function apiFunctionProblems(props: Pick<ApiFunctionProps, 'functionName' | 'settings' | 'bundle' | 'layers' | 'managedLayers' | 'pin'>): string[] {
  const problems: string[] = [];
  const { settings, bundle } = props;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.functionName))
    problems.push(`functionName ${JSON.stringify(props.functionName)} is not 1 to 64 letters, digits, "_" and "-"`);
  if (bundle.runtime !== settings.runtime)
    problems.push(`bundle ${bundle.id} targets ${bundle.runtime}, but the function runs ${settings.runtime}; run \`npm run build\` for this configuration`);
  const attached = props.pin ? props.pin.layers.length : props.layers.length + props.managedLayers.length;
  if (attached > LAMBDA_LIMITS.layersPerFunction) problems.push(`${attached} layers are attached; Lambda allows ${LAMBDA_LIMITS.layersPerFunction}`);
  const { memoryMb, timeoutSeconds } = LAMBDA_LIMITS;
  if (!(Number.isInteger(settings.memoryMb) && settings.memoryMb >= memoryMb.min && settings.memoryMb <= memoryMb.max))
    problems.push(`memoryMb ${settings.memoryMb} is not from ${memoryMb.min} to ${memoryMb.max}`);
  if (!(Number.isInteger(settings.timeoutSeconds) && settings.timeoutSeconds >= timeoutSeconds.min && settings.timeoutSeconds <= timeoutSeconds.max)) {
    problems.push(`timeoutSeconds ${settings.timeoutSeconds} is not from ${timeoutSeconds.min} to ${timeoutSeconds.max}`);
  }
  return problems;
}

/**
 * The API function with its own log group, run as the bootstrap's function role of its environment.
 * Layers are attached by reference to the LayerVersion resources, never as ARN strings.
 */
export class ApiFunction extends Construct {
  public readonly function: LambdaFunction;
  /** `live`: what the API invokes; it moves only when a new version has answered. */
  public readonly alias: LambdaAlias;
  public readonly logGroup: CloudwatchLogGroup;
  /** The bundle in the artifact bucket, when there is one. */
  public readonly codeObject?: S3Object;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    rejectInvalidProps(this, apiFunctionProblems(props));
    const { settings, bundle, functionName } = props;

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: settings.logRetentionDays,
    });

    const archive = new DataArchiveFile(this, 'archive', {
      type: 'zip',
      sourceDir: `${props.buildDirFromStack}/${bundle.dir}`,
      outputPath: `archives/function-${bundle.function}.zip`,
    });

    // Through the artifact bucket, every bundle stays as a version of one key: a rollback can deploy it again.
    if (props.codeUpload) {
      this.codeObject = new S3Object(this, 'code', {
        bucket: props.codeUpload.bucket,
        key: props.codeUpload.key,
        source: archive.outputPath,
        sourceHash: archive.outputMd5,
      });
    }
    const pin = props.pin;
    const code = pin?.code?.s3
      ? {
          s3Bucket: pin.code.s3.bucket,
          s3Key: pin.code.s3.key,
          ...(pin.code.s3.version ? { s3ObjectVersion: pin.code.s3.version } : {}),
          sourceCodeHash: pin.code.codeHash,
        }
      : this.codeObject
        ? {
            s3Bucket: this.codeObject.bucket,
            s3Key: this.codeObject.key,
            s3ObjectVersion: this.codeObject.versionId,
            sourceCodeHash: archive.outputBase64Sha256,
          }
        : { filename: archive.outputPath, sourceCodeHash: archive.outputBase64Sha256 };
    const layers = pin ? [...pin.layers] : [...props.managedLayers.map((layer) => layer.arn), ...props.layers.map((layer) => layer.layerVersion.arn)];

    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: `${props.title ?? 'API'} of ${props.describedAs} (${bundle.framework}); code ${bundle.contentHash.slice(0, 16)}`,
      role: props.roleArn,
      runtime: settings.runtime,
      architectures: [settings.architecture],
      handler: bundle.handler,
      ...code,
      memorySize: settings.memoryMb,
      timeout: settings.timeoutSeconds,
      // The most it may run at once, and so the most of the account's concurrency one API can take.
      reservedConcurrentExecutions: settings.reservedConcurrency,
      layers,
      environment: { variables: { ...functionEnvironment(settings, props.table.name), ...props.variables } },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      // Every change of code, layers or settings publishes a version; old ones stay, for an instant rollback.
      publish: true,
      dependsOn: [this.logGroup],
    });

    const live = props.live;
    this.alias = new LambdaAlias(this, 'live', {
      name: LIVE_ALIAS,
      description:
        props.title && props.title !== 'API' ? `What the ${props.title}'s trigger invokes` : 'What the API invokes: a version that answered the probe',
      functionName: this.function.functionName,
      functionVersion: !live
        ? this.function.version
        : 'versions' in live
          ? Token.asString(Fn.lookup(live.versions.map, live.versions.key, this.function.version))
          : Token.asString(Fn.coalesce([live.version, this.function.version])),
      // A canary is a weighted second version on the alias.
      ...(live?.canaryWeights ? { routingConfig: { additionalVersionWeights: live.canaryWeights as unknown as Record<string, number> } } : {}),
    });
  }
}
