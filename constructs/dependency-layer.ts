import { Construct } from 'constructs';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { uploadRoute } from '../rules/direct-upload-limit';
import { LayerArtifact } from '../artifacts/manifest';
import { layerDescription } from '../artifacts/layer-description';
import { Runtime } from '../config/environments';
import { FamilyRegistry } from '../families/registry';
import { formatBytes } from '../project/bytes';
import { rejectInvalidProps } from './props';

export interface DependencyLayerProps {
  /** The built tree, from the build manifest. */
  readonly artifact: LayerArtifact;
  /**
   * Path of the build folder relative to the synthesised stack's folder, where Terraform runs.
   * @example "../../../.build"
   */
  readonly buildDirFromStack: string;
  /** The layer's name in Lambda, e.g. `<project>-<env>-<folder>`. */
  readonly layerName: string;
  /** The function runtime the version is published for; the artifact must hold that runtime's packages. */
  readonly runtime: Runtime;
  /** The runtime families the entry point handed down: which family a runtime and the artifact's packages belong to. */
  readonly families: Pick<FamilyRegistry, 'find' | 'ofRuntimeName' | 'ids'>;
  /**
   * Where a zip too big to upload directly goes (one key per layer; each zip a new object version).
   * @default - none: a zip over Lambda's direct-upload limit is refused
   */
  readonly upload?: { readonly bucket: string; readonly key: string };
}

/** What is wrong with the props, in words; empty when nothing is. */
export function dependencyLayerProblems(props: DependencyLayerProps): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_-]{1,140}$/.test(props.layerName))
    problems.push(`layerName ${JSON.stringify(props.layerName)} is not 1 to 140 letters, digits, "_" and "-"`);
  const known = props.families.ids.join(', ');
  const family = props.families.ofRuntimeName(props.runtime);
  if (!props.families.find(props.artifact.family)) {
    problems.push(`the artifact ${props.artifact.id} holds ${props.artifact.family} packages, a runtime family this project does not know (it knows ${known})`);
  } else if (!family) {
    problems.push(`runtime ${JSON.stringify(props.runtime)} belongs to no runtime family this project knows (${known})`);
  } else if (props.artifact.family !== family.id) {
    problems.push(`the artifact ${props.artifact.id} holds ${props.artifact.family} packages, not ${props.runtime} ones`);
  }
  if (uploadRoute(props.artifact.zippedBytes, props.upload?.bucket) === 'too-large') {
    problems.push(
      `the artifact ${props.artifact.id} zips to about ${formatBytes(props.artifact.zippedBytes)}, over Lambda's direct-upload limit, and no upload bucket is given`,
    );
  }
  return problems;
}

/**
 * One dependency layer: the archive provider zips the built tree at plan time and
 * a LayerVersion is published from it (through the artifact bucket when the zip is
 * over Lambda's 50 MiB direct-upload limit). A new content hash means a new version;
 * old versions stay (skip_destroy) so a rollback can attach them again.
 */
export class DependencyLayer extends Construct {
  public readonly archive: DataArchiveFile;
  public readonly layerVersion: LambdaLayerVersion;
  /** The zip in the artifact bucket, when it is too big to upload directly. */
  public readonly upload?: S3Object;

  constructor(scope: Construct, id: string, props: DependencyLayerProps) {
    super(scope, id);
    rejectInvalidProps(this, dependencyLayerProblems(props));
    const { artifact } = props;
    this.archive = new DataArchiveFile(this, 'archive', {
      type: 'zip',
      sourceDir: `${props.buildDirFromStack}/${artifact.treeDir}`,
      outputPath: `archives/layer-${artifact.name}.zip`,
    });
    if (props.upload && uploadRoute(artifact.zippedBytes, props.upload.bucket) === 's3') {
      this.upload = new S3Object(this, 'upload', {
        bucket: props.upload.bucket,
        // One key per layer: each new zip is a new object version, and no replacement ever deletes old versions.
        key: props.upload.key,
        source: this.archive.outputPath,
        sourceHash: this.archive.outputMd5,
      });
    }
    const code = this.upload
      ? { s3Bucket: this.upload.bucket, s3Key: this.upload.key, s3ObjectVersion: this.upload.versionId }
      : { filename: this.archive.outputPath };
    this.layerVersion = new LambdaLayerVersion(this, 'version', {
      layerName: props.layerName,
      description: layerDescription(artifact, props.runtime),
      ...code,
      sourceCodeHash: this.archive.outputBase64Sha256,
      compatibleRuntimes: [props.runtime],
      compatibleArchitectures: [artifact.architecture],
      skipDestroy: true,
    });
  }
}
