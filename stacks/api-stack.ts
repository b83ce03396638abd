import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack, TerraformVariable, TerraformVariableConfig } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { CI_ROLE_NAMES, bootstrapRoleArn, functionRoleArn } from '../iam/ci-permissions';
import { ROLLOUT_OUTPUTS, ROLLOUT_VARIABLES } from '../config/rollout-names';
import { DEPLOYMENT_OUTPUTS } from '../config/deployment-record';
import { functionZipKey, layerZipKey } from '../config/artifact-keys';
import { DeployOrigin } from '../project/deploy-origin';
import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { BundleArtifact, LayerArtifact } from '../artifacts/manifest';
import { EnvironmentConfig, environmentOf, functionNameOf, layerNameOf, tableNameOf } from '../config/environments';
import { rejectInvalidProps } from '../constructs/props';
import { API_FUNCTION, FunctionConfig, functionNameFor, queueGrantsOf, queueUrlVariable } from '../config/functions';
import { FunctionArtifacts } from '../builder/artifact-check';
import { QueueTrigger } from '../constructs/queue-trigger';
import { ScheduleTrigger } from '../constructs/schedule-trigger';
import { ApiFunction, LiveAliasSettings } from '../constructs/api-function';
import { DependencyLayer, DependencyLayerProps } from '../constructs/dependency-layer';
import { HttpApi } from '../constructs/http-api';
import { MessagesTable } from '../constructs/messages-table';
import { ManagedLayer } from '../config/managed-layers';
import { RollbackPin } from '../artifacts/rollback-pin';

export interface ApiStackProps {
  /** The resolved environment this stack deploys. */
  readonly env: EnvironmentConfig;
  /** The runtime families the entry point handed down. */
  readonly families: DependencyLayerProps['families'];
  /** Built layer trees in attachment order, from the build manifest. */
  readonly layers: readonly LayerArtifact[];
  /** The bundled function, from the build manifest. */
  readonly bundle: BundleArtifact;
  /** Layers AWS publishes that the function attaches by ARN (Powertools with "hybrid"; config/managed-layers.ts managedLayersOf). */
  readonly managedLayers: readonly ManagedLayer[];
  /**
   * Every function of the environment with what it attaches, the API first (the API's are `layers`, `bundle` and
   * `managedLayers`); each other one gets its own function, alias and trigger.
   * @default - the API alone
   */
  readonly functions?: readonly FunctionArtifacts[];
  /**
   * Path of the build folder relative to this stack's synthesised folder, where Terraform runs.
   * Relative, so the synthesised JSON is the same on every machine.
   * @example "../../../.build"
   */
  readonly buildDirFromStack: string;
  /**
   * The commit being deployed, recorded as the output deployed_commit so the history can show it.
   * @default "unknown"
   */
  readonly commit?: string;
  /**
   * A rollback pin: deploy an earlier deployment's layers and code instead of this build's.
   * @default - none
   */
  readonly pin?: RollbackPin;
  /** Who runs this deployment and from where, recorded as outputs deployed_by and deployed_from. */
  readonly origin?: DeployOrigin;
}

/** A Terraform variable named `name` (construct ids are shared with the outputs, so the name is set apart). */
function rolloutVariable(scope: Construct, name: string, config: TerraformVariableConfig): TerraformVariable {
  const variable = new TerraformVariable(scope, `variable-${name}`, config);
  variable.overrideLogicalId(name);
  return variable;
}

/**
 * One environment: S3 backend with a lockfile, providers, the dependency layers,
 * the function, the HTTP API and the messages table.
 */
export class ApiStack extends TerraformStack {
  public readonly layers: readonly DependencyLayer[];
  public readonly apiFunction: ApiFunction;
  public readonly httpApi: HttpApi;
  public readonly messagesTable: MessagesTable;
  /** The environment's functions besides the API, by name. */
  public readonly functions: Readonly<Record<string, ApiFunction>>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id);
    const { env } = props;
    if (/^\/|^[A-Za-z]:/.test(props.buildDirFromStack)) {
      throw new Error(`${id}: buildDirFromStack must be relative, got "${props.buildDirFromStack}".`);
    }
    // The deployment rules (Lambda's limits, layer fit, imports, native code) are the synth entry's: main.ts runs them
    // once, before the app exists, so a refused deployment writes nothing. The stack checks its own props.
    const { managedLayers } = props;

    // No encryption header: the bucket's default (SSE-KMS with the bootstrap's key) applies, and its policy refuses any other.
    new S3Backend(this, {
      bucket: env.stateBucket,
      key: env.stateKey,
      region: env.region,
    });
    // cdktf 0.21's S3Backend has no lockfile prop; Terraform 1.11 locks with a <key>.tflock object.
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    new AwsProvider(this, 'aws', {
      region: env.region,
      defaultTags: [{ tags: { project: env.project, environment: env.name, 'managed-by': 'cdktf' } }],
    });
    new ArchiveProvider(this, 'archive');

    const caller = new DataAwsCallerIdentity(this, 'caller');
    const partition = new DataAwsPartition(this, 'partition');
    // The bootstrap's function role of this environment: a deploy passes it to Lambda and writes no IAM.
    const roleArn = functionRoleArn({ project: env.project, account: caller.accountId, partition: partition.partition }, env.name);

    // Where the alias `live` points: set by each phase of `npm run deploy` and by `npm run promote` (-var), so
    // every move of it goes through a Terraform apply that state records. Left empty, the newest version goes live.
    const liveVersion = rolloutVariable(this, ROLLOUT_VARIABLES.liveVersion, {
      type: 'string',
      default: '',
      description: 'The function version the alias live points to; empty for the newest one this apply publishes',
      validation: [
        {
          condition: '${var.live_version == "" || can(regex("^[0-9]+$", var.live_version))}',
          errorMessage: 'live_version is a published version number, or empty for the newest.',
        },
      ],
    });
    const canaryVersion = rolloutVariable(this, ROLLOUT_VARIABLES.canaryVersion, {
      type: 'string',
      default: '',
      description: "A version that takes canary_percent of live's traffic during a canary; empty for none",
      validation: [
        {
          condition: '${var.canary_version == "" || can(regex("^[0-9]+$", var.canary_version))}',
          errorMessage: 'canary_version is a published version number, or empty.',
        },
      ],
    });
    const canaryPercent = rolloutVariable(this, ROLLOUT_VARIABLES.canaryPercent, {
      type: 'number',
      default: 0,
      description: "The share of live's traffic, in percent, the canary version takes",
      validation: [{ condition: '${var.canary_percent >= 0 && var.canary_percent <= 50}', errorMessage: 'canary_percent is from 0 to 50.' }],
    });

    this.messagesTable = new MessagesTable(this, 'messages', { tableName: tableNameOf(env), deletionProtection: env.deletionProtection });
    const others = (props.functions ?? []).filter((artifacts) => artifacts.function.name !== API_FUNCTION);
    // A rollback pin made before a function left the configuration names a function this stack no longer has.
    const deploys = new Set([API_FUNCTION, ...others.map((artifacts) => artifacts.function.name)]);
    rejectInvalidProps(
      this,
      Object.keys(props.pin?.functions ?? {})
        .filter((name) => !deploys.has(name))
        .map(
          (name) =>
            `the rollback pin (serial ${props.pin!.serial}) restores function ${name}, which ${env.stackName} no longer deploys; run npm run rollback again, or delete the pin to deploy the current build`,
        ),
    );
    // Queues before any function: a function may send to another's queue (a "queue:<name>" grant), and gets its URL.
    const queues = new Map<string, QueueTrigger>();
    for (const { function: fn } of others) {
      if (fn.trigger.type !== 'queue') continue;
      queues.set(
        fn.name,
        new QueueTrigger(this, `queue-${fn.name}`, { queueName: functionNameFor(env, fn.name), settings: fn.trigger, timeoutSeconds: fn.timeoutSeconds }),
      );
    }
    const queueVariables = (fn: FunctionConfig | undefined): Record<string, string> =>
      Object.fromEntries(
        (fn ? queueGrantsOf(fn) : []).flatMap((name) => {
          const queue = queues.get(name);
          return queue ? [[queueUrlVariable(name), queue.queue.url]] : [];
        }),
      );
    this.layers = props.layers.map(
      (artifact) =>
        new DependencyLayer(this, `layer-${artifact.name}`, {
          artifact,
          buildDirFromStack: props.buildDirFromStack,
          layerName: layerNameOf(env, artifact.name),
          runtime: env.runtime,
          families: props.families,
          ...(env.artifactBucket ? { upload: { bucket: env.artifactBucket, key: layerZipKey(env.project, env.name, artifact.name) } } : {}),
        }),
    );
    this.apiFunction = new ApiFunction(this, 'api', {
      functionName: functionNameOf(env),
      describedAs: `${env.project}, ${env.name}`,
      settings: env,
      bundle: props.bundle,
      ...(env.artifactBucket ? { codeUpload: { bucket: env.artifactBucket, key: functionZipKey(env.project, env.name, props.bundle.function) } } : {}),
      layers: this.layers,
      managedLayers,
      table: this.messagesTable.table,
      buildDirFromStack: props.buildDirFromStack,
      roleArn,
      variables: queueVariables(env.functions?.[0]),
      live: {
        version: liveVersion.stringValue,
        // Written out: cdktf's Op renders the literals "" and 0 as undefined.
        canaryWeights: `\${var.${ROLLOUT_VARIABLES.canaryVersion} == "" ? {} : zipmap([var.${ROLLOUT_VARIABLES.canaryVersion}], [var.${ROLLOUT_VARIABLES.canaryPercent} / 100])}`,
      },
      ...(props.pin?.functions[API_FUNCTION] ? { pin: props.pin.functions[API_FUNCTION] } : {}),
    });
    const apiTrigger = env.functions?.[0]?.trigger;
    this.httpApi = new HttpApi(this, 'http', {
      name: functionNameOf(env),
      logRetentionDays: env.logRetentionDays,
      throttle: { burstLimit: env.throttleBurstLimit, rateLimit: env.throttleRateLimit },
      handler: this.apiFunction.function,
      alias: this.apiFunction.alias,
      ...(apiTrigger?.type === 'http' ? { routes: apiTrigger.routes } : {}),
    });

    // The other functions: each attaches, by reference, the environment's one LayerVersion of every layer it uses.
    const published = new Map<string, DependencyLayer>(props.layers.map((artifact, i) => [artifact.id, this.layers[i]]));
    const layerNames = new Set(props.layers.map((artifact) => artifact.name));
    const layerOf = (artifact: LayerArtifact, runtime: FunctionConfig['runtime']): DependencyLayer => {
      const known = published.get(artifact.id);
      if (known) return known;
      // One folder built for two targets (another family, another Python) is two layers: the second is named for its variant.
      const name = layerNames.has(artifact.name) ? `${artifact.name}-${artifact.variant}` : artifact.name;
      layerNames.add(name);
      const layer = new DependencyLayer(this, `layer-${name}`, {
        artifact,
        buildDirFromStack: props.buildDirFromStack,
        layerName: layerNameOf(env, name),
        runtime,
        families: props.families,
        ...(env.artifactBucket ? { upload: { bucket: env.artifactBucket, key: layerZipKey(env.project, env.name, name) } } : {}),
      });
      published.set(artifact.id, layer);
      return layer;
    };
    let functionLiveMap: TerraformVariable | undefined;
    if (others.length) {
      // The other functions' aliases, by function name: moved by the same phases as live, all or none.
      functionLiveMap = rolloutVariable(this, ROLLOUT_VARIABLES.functionLiveVersions, {
        type: 'map(string)',
        default: {},
        description: "The version each other function's alias live points to, by function name; one left out goes to the newest this apply publishes",
        validation: [
          {
            condition: `\${alltrue([for version in values(var.${ROLLOUT_VARIABLES.functionLiveVersions}) : can(regex("^[0-9]+$", version))])}`,
            errorMessage: `${ROLLOUT_VARIABLES.functionLiveVersions} holds published version numbers; a function it leaves out goes to its newest.`,
          },
        ],
      });
      rolloutVariable(this, ROLLOUT_VARIABLES.functionCanaryVersions, {
        type: 'map(string)',
        default: {},
        description: "A canary version of each other HTTP function, by function name, taking canary_percent of its live's traffic",
        validation: [
          {
            condition: `\${alltrue([for version in values(var.${ROLLOUT_VARIABLES.functionCanaryVersions}) : version == "" || can(regex("^[0-9]+$", version))])}`,
            errorMessage: `${ROLLOUT_VARIABLES.functionCanaryVersions} holds published version numbers, or empty.`,
          },
        ],
      });
    }
    const account = { project: env.project, account: caller.accountId, partition: partition.partition };
    // Another function's alias: where the rollout puts it (held while the new version is probed), and for an HTTP
    // function a canary beside it, as the API's.
    const functionLive = (name: string, http: boolean): LiveAliasSettings => {
      const pick = (variable: string): string => `lookup(var.${variable}, ${JSON.stringify(name)}, "")`;
      const canary = pick(ROLLOUT_VARIABLES.functionCanaryVersions);
      return {
        versions: { map: functionLiveMap!.value, key: name },
        ...(http ? { canaryWeights: `\${${canary} == "" ? {} : zipmap([${canary}], [var.${ROLLOUT_VARIABLES.canaryPercent} / 100])}` } : {}),
      };
    };
    this.functions = Object.fromEntries(
      others.map(({ function: fn, layers, bundle, managed }) => {
        const made = new ApiFunction(this, `fn-${fn.name}`, {
          functionName: functionNameFor(env, fn.name),
          describedAs: `${env.project}, ${env.name}`,
          title: `${fn.name} function`,
          settings: environmentOf(env, fn),
          bundle,
          ...(env.artifactBucket ? { codeUpload: { bucket: env.artifactBucket, key: functionZipKey(env.project, env.name, bundle.function) } } : {}),
          layers: layers.map((artifact) => layerOf(artifact, fn.runtime)),
          managedLayers: managed,
          table: this.messagesTable.table,
          buildDirFromStack: props.buildDirFromStack,
          roleArn: bootstrapRoleArn(account, CI_ROLE_NAMES.serviceFunction(env.project, env.name, fn.name)),
          variables: queueVariables(fn),
          live: functionLive(fn.name, fn.trigger.type === 'http'),
          ...(props.pin?.functions[fn.name] ? { pin: props.pin.functions[fn.name] } : {}),
        });
        if (fn.trigger.type === 'http') this.httpApi.addFunction(fn.name, made.function, made.alias, fn.trigger.routes);
        else if (fn.trigger.type === 'queue') queues.get(fn.name)!.feed(made.alias);
        else {
          new ScheduleTrigger(this, `schedule-${fn.name}`, {
            scheduleName: functionNameFor(env, fn.name),
            settings: fn.trigger,
            alias: made.alias,
            roleArn: bootstrapRoleArn(account, CI_ROLE_NAMES.scheduler(env.project, env.name)),
          });
        }
        return [fn.name, made];
      }),
    );

    new TerraformOutput(this, 'api_url', { value: this.httpApi.api.apiEndpoint, description: 'Base URL of the HTTP API' });
    new TerraformOutput(this, 'function_name', { value: this.apiFunction.function.functionName });
    new TerraformOutput(this, ROLLOUT_OUTPUTS.newestVersion, {
      value: this.apiFunction.function.version,
      description: 'The newest published version of the function',
    });
    new TerraformOutput(this, ROLLOUT_OUTPUTS.liveVersion, {
      value: this.apiFunction.alias.functionVersion,
      description: 'The version the alias live (what the API invokes) points to',
    });
    new TerraformOutput(this, ROLLOUT_OUTPUTS.canary, {
      value: { version: canaryVersion.stringValue, percent: canaryPercent.numberValue },
      description: 'A canary version on the alias live and its share of traffic; empty when there is none',
    });
    if (others.length) {
      new TerraformOutput(this, ROLLOUT_OUTPUTS.functionVersions, {
        value: Object.fromEntries(Object.entries(this.functions).map(([name, made]) => [name, made.function.version])),
        description: 'The newest published version of each other function, by function name',
      });
      new TerraformOutput(this, ROLLOUT_OUTPUTS.functionLiveVersions, {
        value: Object.fromEntries(Object.entries(this.functions).map(([name, made]) => [name, made.alias.functionVersion])),
        description: "The version each other function's alias live points to, by function name",
      });
    }
    new TerraformOutput(this, 'table_name', { value: this.messagesTable.table.name });
    new TerraformOutput(this, 'layer_version_arns', {
      value: Object.fromEntries(this.layers.map((layer, i) => [props.layers[i].name, layer.layerVersion.arn])),
      description: 'Layer version ARNs attached to the function, by layer folder name',
    });
    // The deployment's record, which every retained state version keeps and npm run history reads back.
    new TerraformOutput(this, DEPLOYMENT_OUTPUTS.commit, { value: props.commit ?? 'unknown', description: 'The commit this deployment was made from' });
    new TerraformOutput(this, DEPLOYMENT_OUTPUTS.by, {
      value: props.origin?.by ?? 'unknown',
      description: 'Who ran this deployment: a GitHub login, or a local user',
    });
    new TerraformOutput(this, DEPLOYMENT_OUTPUTS.from, {
      value: props.origin?.from ?? 'unknown',
      description: 'Where it ran: the GitHub Actions run URL, or a local machine',
    });
    new TerraformOutput(this, DEPLOYMENT_OUTPUTS.rolledBackTo, {
      value: props.pin ? String(props.pin.serial) : '',
      description: 'The state serial a rollback pin restored, empty for a normal deploy',
    });
    new TerraformOutput(this, DEPLOYMENT_OUTPUTS.rollbackScope, {
      value: props.pin ? props.pin.scope : '',
      description: 'What that rollback restored: "layers and code", or "layers" (the code stayed); empty for a normal deploy',
    });
    new TerraformOutput(this, 'service_functions', {
      value: Object.fromEntries(Object.entries(this.functions).map(([name, made]) => [name, made.function.functionName])),
      description: "The environment's functions besides the API, by name: their Lambda names",
    });
    new TerraformOutput(this, 'managed_layer_arns', {
      value: managedLayers.map((layer) => layer.arn),
      description: 'Layers published by AWS that the function attaches (empty unless the strategy is hybrid)',
    });
  }
}
