import { PLUGINS } from '../../family-plugins/registry';
import { Testing } from 'cdktf';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { DependencyLayer, DependencyLayerProps, dependencyLayerProblems } from '../../constructs/dependency-layer';
import { layerArtifact, pythonLayerArtifact } from '../support/artifacts';

const props: DependencyLayerProps = {
  artifact: layerArtifact(),
  buildDirFromStack: '../../../.build',
  families: PLUGINS,
  layerName: 'acme-dev-dependencies',
  runtime: 'nodejs24.x',
};

describe('DependencyLayer', () => {
  it('publishes a retained version from the zipped tree, described by its content hash and packages', () => {
    const text = Testing.synthScope((scope) => new DependencyLayer(scope, 'layer', props));
    expect(text).toHaveResourceWithProperties(LambdaLayerVersion, {
      layer_name: 'acme-dev-dependencies',
      description: `content ${'a'.repeat(16)} | nodejs24.x x86_64 | hono@4.13.19`,
      compatible_runtimes: ['nodejs24.x'],
      compatible_architectures: ['x86_64'],
      skip_destroy: true,
    });
    const [version] = Object.values<Record<string, string>>(JSON.parse(text).resource.aws_lambda_layer_version);
    expect(version['filename']).toMatch(/^\$\{data\.archive_file\.layer_archive_[A-F0-9]+\.output_path\}$/);
    expect(version['source_code_hash']).toMatch(/^\$\{data\.archive_file\.layer_archive_[A-F0-9]+\.output_base64sha256\}$/);
  });

  it('goes through the upload bucket when the zip is too big to send directly', () => {
    const big = {
      ...props,
      artifact: layerArtifact('dependencies', 'x86_64', 'a'.repeat(64), { zippedBytes: 60_000_000 }),
      upload: { bucket: 'acme-artifacts', key: 'layers/acme/dev/dependencies.zip' },
    };
    const text = Testing.synthScope((scope) => new DependencyLayer(scope, 'layer', big));
    expect(text).toHaveResourceWithProperties(S3Object, { bucket: 'acme-artifacts', key: 'layers/acme/dev/dependencies.zip' });
    const [version] = Object.values<Record<string, string>>(JSON.parse(text).resource.aws_lambda_layer_version);
    expect(version['s3_object_version']).toMatch(/^\$\{aws_s3_object\.layer_upload_[A-F0-9]+\.version_id\}$/);
    expect(version['filename']).toBeUndefined();
  });

  it("refuses another runtime's packages, a bad name, and a zip too big without a bucket", () => {
    expect(dependencyLayerProblems(props)).toEqual([]);
    expect(dependencyLayerProblems({ ...props, layerName: 'has space', artifact: { ...pythonLayerArtifact(), zippedBytes: 60_000_000 } })).toEqual([
      'layerName "has space" is not 1 to 140 letters, digits, "_" and "-"',
      'the artifact dependencies/python3.12-x86_64 holds python packages, not nodejs24.x ones',
      "the artifact dependencies/python3.12-x86_64 zips to about 57.2 MiB, over Lambda's direct-upload limit, and no upload bucket is given",
    ]);
    expect(() => Testing.synthScope((scope) => new DependencyLayer(scope, 'layer', { ...props, runtime: 'python3.12' }))).toThrow(
      /stack\/layer: the artifact dependencies\/nodejs-x86_64 holds nodejs packages, not python3\.12 ones\.$/,
    );
  });

  it('refuses a family it does not know, naming it, rather than skipping its check', () => {
    const ruby = { ...layerArtifact(), id: 'gems/ruby-x86_64', family: 'ruby' };
    expect(dependencyLayerProblems({ ...props, artifact: ruby })).toEqual([
      'the artifact gems/ruby-x86_64 holds ruby packages, a runtime family this project does not know (it knows nodejs, python)',
    ]);
    expect(dependencyLayerProblems({ ...props, runtime: 'ruby3.3' })).toEqual([
      'runtime "ruby3.3" belongs to no runtime family this project knows (nodejs, python)',
    ]);
    expect(() => Testing.synthScope((scope) => new DependencyLayer(scope, 'layer', { ...props, artifact: ruby }))).toThrow(
      /stack\/layer: the artifact gems\/ruby-x86_64 holds ruby packages, a runtime family this project does not know \(it knows nodejs, python\)\.$/,
    );
  });
});
