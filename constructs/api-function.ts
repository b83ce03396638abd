import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Fn } from 'cdktf';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { BundleArtifact } from '../artifacts/manifest';
import { EnvironmentConfig, functionEnvironment, functionNameOf } from '../config/environments';
import { DependencyLayer } from './dependency-layer';
import { ManagedLayer } from '../config/managed-layers';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { RollbackPin } from '../artifacts/rollback-pin';
import { LIVE_ALIAS } from '../config/rollout-names';

export interface ApiFunctionProps {
  readonly env: EnvironmentConfig;
  /** The bundled handler, from the build manifest. */
  readonly bundle: BundleArtifact;
  /** Attached in this order; Lambda applies later layers over earlier ones. */
  readonly layers: readonly DependencyLayer[];
  /** Layers AWS publishes, attached by ARN before the project's own. */
  readonly managedLayers: readonly ManagedLayer[];
  /** The only table the function may read and write. */
  readonly table: DynamodbTable;
  /** Path of the build folder relative to the synthesised stack's folder. */
  readonly buildDirFromStack: string;
  /**
   * A rollback: the layer ARNs and code of an earlier deployment, from its state.
   * @default - the layers and bundle of this build
   */
  readonly pin?: RollbackPin;
  /**
   * The permissions boundary the function's role must carry: the bootstrap's function boundary (no IAM at all),
   * without which a deploy role may not create the role.
   */
  readonly permissionsBoundary: string;
  /**
   * Where the alias `live` points, and any canary beside it: Terraform expressions (the stack's variables),
   * so every move of the alias is an apply that state records.
   * @default - the newest version goes live at once, no canary
   */
  readonly live?: LiveAliasSettings;
}

/** Terraform expressions for the alias `live`. */
export interface LiveAliasSettings {
  /** The version `live` points to; empty for the newest this apply publishes. */
  readonly version: string;
  /** The alias's additional version weights: a map of a canary version to its share (0 to 1), or an empty map. */
  readonly canaryWeights: string;
}

/**
 * The API function with its own log group and a role that may write only to that
 * log group and read/write only its table. Layers are attached by reference to the
 * LayerVersion resources, never as ARN strings.
 */
export class ApiFunction extends Construct {
  public readonly function: LambdaFunction;
  /** `live`: what the API invokes; it moves only when a new version has answered. */
  public readonly alias: LambdaAlias;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly role: IamRole;
  /** The bundle in the artifact bucket, when there is one. */
  public readonly codeObject?: S3Object;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const { env, bundle } = props;
    if (bundle.runtime !== env.runtime) {
      throw new Error(
        `${this.node.path}: bundle ${bundle.id} targets ${bundle.runtime}, but environment "${env.name}" runs ${env.runtime}; ` +
          'run `npm run build` for this configuration.',
      );
    }
    const functionName = functionNameOf(env);

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: env.logRetentionDays,
    });

    const assume = new DataAwsIamPolicyDocument(this, 'assume-role', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
        },
      ],
    });
    this.role = new IamRole(this, 'role', { name: functionName, assumeRolePolicy: assume.json, permissionsBoundary: props.permissionsBoundary });

    const access = new DataAwsIamPolicyDocument(this, 'access', {
      statement: [
        {
          sid: 'WriteOwnLogs',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        {
          sid: 'ReadWriteOwnTable',
          effect: 'Allow',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
          resources: [props.table.arn],
        },
      ],
    });
    const policy = new IamRolePolicy(this, 'access-policy', {
      name: `${functionName}-access`,
      role: this.role.id,
      policy: access.json,
    });

    const archive = new DataArchiveFile(this, 'archive', {
      type: 'zip',
      sourceDir: `${props.buildDirFromStack}/${bundle.dir}`,
      outputPath: `archives/function-${bundle.function}.zip`,
    });

    // Through the artifact bucket, every bundle stays as a version of one key: a rollback can deploy it again.
    if (env.artifactBucket) {
      this.codeObject = new S3Object(this, 'code', {
        bucket: env.artifactBucket,
        key: `functions/${env.project}/${env.name}/${bundle.function}.zip`,
        source: archive.outputPath,
        sourceHash: archive.outputMd5,
      });
    }
    const pin = props.pin;
    const code = pin?.code?.s3
      ? { s3Bucket: pin.code.s3.bucket, s3Key: pin.code.s3.key, ...(pin.code.s3.version ? { s3ObjectVersion: pin.code.s3.version } : {}), sourceCodeHash: pin.code.codeHash }
      : this.codeObject
        ? { s3Bucket: this.codeObject.bucket, s3Key: this.codeObject.key, s3ObjectVersion: this.codeObject.versionId, sourceCodeHash: archive.outputBase64Sha256 }
        : { filename: archive.outputPath, sourceCodeHash: archive.outputBase64Sha256 };
    const layers = pin ? [...pin.layers] : [...props.managedLayers.map((layer) => layer.arn), ...props.layers.map((layer) => layer.layerVersion.arn)];

    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: `API of ${env.project} (${env.name}, ${bundle.kind === 'python' ? 'FastAPI' : 'Node.js'}); code ${bundle.contentHash.slice(0, 16)}`,
      role: this.role.arn,
      runtime: env.runtime,
      architectures: [env.architecture],
      handler: bundle.handler,
      ...code,
      memorySize: env.memoryMb,
      timeout: env.timeoutSeconds,
      // The most it may run at once, and so the most of the account's concurrency one API can take.
      reservedConcurrentExecutions: env.reservedConcurrency,
      layers,
      environment: { variables: functionEnvironment(env, props.table.name) },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      // Every change of code, layers or settings publishes a version; old ones stay, for an instant rollback.
      publish: true,
      dependsOn: [this.logGroup, policy],
    });

    const live = props.live;
    this.alias = new LambdaAlias(this, 'live', {
      name: LIVE_ALIAS,
      description: 'What the API invokes: a version that answered the probe',
      functionName: this.function.functionName,
      functionVersion: live ? Fn.coalesce([live.version, this.function.version]) : this.function.version,
      // A canary is a weighted second version on the alias.
      ...(live ? { routingConfig: { additionalVersionWeights: live.canaryWeights as unknown as Record<string, number> } } : {}),
    });
  }
}
