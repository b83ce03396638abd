import { Construct } from 'constructs';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { LayerArtifact } from '../builder/manifest';
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

/** Lambda caps a layer version's description at 256 characters. */
export const MAX_DESCRIPTION = 256;

/**
 * `content <hash16> | <runtime> <arch> | <package versions>`: the hash and runtime
 * always fit; the package list is cut with "..." when it does not.
 */
export function layerDescription(artifact: LayerArtifact, runtime: string): string {
  const head = `content ${artifact.contentHash.slice(0, 16)} | ${runtime} ${artifact.architecture} | `;
  const direct = artifact.packages.filter((pkg) => pkg.direct).map((pkg) => `${pkg.name}@${pkg.version}`);
  const list = direct.join(', ');
  const room = MAX_DESCRIPTION - head.length;
  return head + (list.length <= room ? list : `${list.slice(0, room - 3)}...`);
}

/**
 * One dependency layer: the archive provider zips the built tree at plan time and
 * a LayerVersion is published from it. A new content hash means a new version;
 * old versions stay (skip_destroy) so a rollback can attach them again.
 */
export class DependencyLayer extends Construct {
  public readonly archive: DataArchiveFile;
  public readonly layerVersion: LambdaLayerVersion;

  constructor(scope: Construct, id: string, props: DependencyLayerProps) {
    super(scope, id);
    const { env, artifact } = props;
    if (artifact.architecture !== env.architecture) {
      throw new Error(
        `${this.node.path}: layer ${artifact.id} is built for ${artifact.architecture}, but environment "${env.name}" ` +
          `runs ${env.architecture}; pass the layer built for ${env.architecture}.`,
      );
    }
    this.archive = new DataArchiveFile(this, 'archive', {
      type: 'zip',
      sourceDir: `${props.buildDirFromStack}/${artifact.treeDir}`,
      outputPath: `archives/layer-${artifact.name}.zip`,
    });
    this.layerVersion = new LambdaLayerVersion(this, 'version', {
      layerName: layerNameOf(env, artifact.name),
      description: layerDescription(artifact, env.runtime),
      filename: this.archive.outputPath,
      sourceCodeHash: this.archive.outputBase64Sha256,
      compatibleRuntimes: [env.runtime],
      compatibleArchitectures: [env.architecture],
      skipDestroy: true,
    });
  }
}
