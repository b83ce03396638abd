import { Construct } from 'constructs';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { uploadRoute } from '../rules/direct-upload-limit';
import { LayerArtifact } from '../artifacts/manifest';
import { layerDescription } from '../artifacts/layer-description';
import { EnvironmentConfig, layerNameOf } from '../config/environments';

export interface DependencyLayerProps {
  /** The environment the layer version belongs to; names and compatibility come from it. */
  readonly env: EnvironmentConfig;
  /** The built tree, from the build manifest. */
  readonly artifact: LayerArtifact;
  /**
   * Path of the build folder relative to the synthesised stack's folder, where Terraform runs.
   * @example "../../../.build"
   */
  readonly buildDirFromStack: string;
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
    const { env, artifact } = props;
    this.archive = new DataArchiveFile(this, 'archive', {
      type: 'zip',
      sourceDir: `${props.buildDirFromStack}/${artifact.treeDir}`,
      outputPath: `archives/layer-${artifact.name}.zip`,
    });
    const route = uploadRoute(artifact.zippedBytes, env.artifactBucket);
    if (route === 's3') {
      this.upload = new S3Object(this, 'upload', {
        bucket: env.artifactBucket!,
        // One key per layer: each new zip is a new object version, and no replacement ever deletes old versions.
        key: `layers/${env.project}/${env.name}/${artifact.name}.zip`,
        source: this.archive.outputPath,
        sourceHash: this.archive.outputMd5,
      });
    }
    const code = this.upload
      ? { s3Bucket: this.upload.bucket, s3Key: this.upload.key, s3ObjectVersion: this.upload.versionId }
      : { filename: this.archive.outputPath };
    this.layerVersion = new LambdaLayerVersion(this, 'version', {
      layerName: layerNameOf(env, artifact.name),
      description: layerDescription(artifact, env.runtime),
      ...code,
      sourceCodeHash: this.archive.outputBase64Sha256,
      compatibleRuntimes: [env.runtime],
      compatibleArchitectures: [env.architecture],
      skipDestroy: true,
    });
  }
}
