import { isPythonSource } from '../../family-plugins/python/python-source';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { LayerArtifact, readManifest } from '../../artifacts/manifest';
import { layerSbom, purlOf } from '../../artifacts/sbom';
import { layerTargetFor } from '../../builder/build-plan';
import { readLayerSources } from '../../builder/layer-folders';
import { silentProgress } from '../../project/progress';
import { buildPythonLayer } from '../../family-plugins/python/python-layer';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { PLUGINS } from '../../family-plugins/registry';

/**
 * The SBOM of each built layer: CycloneDX 1.6 JSON, valid by the specification's own JSON schema (the
 * CycloneDX library's strict validator), reproducible, and saying what scanners need: package URLs,
 * the locked file hashes, licenses and the dependency graph on the layer's target.
 */

interface Bom {
  serialNumber: string;
  metadata: {
    component: { name: string; 'bom-ref': string; properties: { name: string; value: string }[] };
    tools: { components: { name: string; version: string }[] };
  };
  components: {
    name: string;
    version: string;
    purl: string;
    'bom-ref': string;
    hashes?: { alg: string; content: string }[];
    licenses?: unknown[];
    properties?: { name: string; value: string }[];
  }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

async function builtPythonLayer(architecture: 'x86_64' | 'arm64'): Promise<{ layer: LayerArtifact; buildDir: string }> {
  const root = makeTempDir('sbom-layer');
  fs.cpSync(path.join(PROJECT_ROOT, 'layers', 'stable'), path.join(root, 'layers', 'stable'), { recursive: true });
  const source = readLayerSources(PLUGINS, root, 'stable').find(isPythonSource)!;
  const buildDir = path.join(root, '.build');
  const { artifact } = await buildPythonLayer(layerTargetFor(PLUGINS.byId(source.family), source, architecture, 'python3.12'), source, {
    toolHome: PROJECT_ROOT,
    buildDir,
    env: process.env,
    step: silentProgress.step('sbom'),
  });
  return { layer: artifact, buildDir };
}

describe('the SBOM of a Python layer built from its lock', () => {
  it("is valid CycloneDX 1.6, kept beside the tree, with purls, the locked wheels' SHA-256, licenses and the graph on the target", async () => {
    const { layer, buildDir } = await builtPythonLayer('arm64');
    expect(layer.sbom).toBe('layers/stable/python3.12-arm64/sbom.cdx.json');
    const text = fs.readFileSync(path.join(buildDir, layer.sbom!), 'utf8');
    expect(await validator.validate(text)).toBeNull();
    const bom = JSON.parse(text) as Bom;
    expect(bom.metadata.component).toMatchObject({ name: 'stable', 'bom-ref': 'layer:stable/python3.12-arm64' });
    expect(bom.metadata.component.properties).toEqual(
      expect.arrayContaining([
        { name: 'aws:lambda:layer:architecture', value: 'arm64' },
        { name: 'lambda-layer-stacks:content-hash', value: layer.contentHash },
      ]),
    );
    expect(bom.metadata.tools.components.map((tool) => tool.name)).toEqual(['lambda-layer-stacks', 'uv']);
    expect(bom.components).toHaveLength(layer.packages.length);
    const lock = fs.readFileSync(path.join(PROJECT_ROOT, 'layers', 'stable', 'requirements.python3.12-arm64.lock.txt'), 'utf8');
    const cryptography = bom.components.find((component) => component.name === 'cryptography')!;
    expect(cryptography.purl).toMatch(/^pkg:pypi\/cryptography@\d/);
    expect(lock).toContain(`--hash=sha256:${cryptography.hashes![0].content}`);
    expect(cryptography.hashes).toEqual([{ alg: 'SHA-256', content: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(cryptography.properties).toEqual(
      expect.arrayContaining([{ name: 'lambda-layer-stacks:python:wheel', value: expect.stringMatching(/_aarch64\.whl$/) }]),
    );
    expect(bom.components.filter((component) => component.licenses).length).toBeGreaterThan(0);
    // The graph: the layer needs its direct packages; python-jose[cryptography] needs cryptography, which needs cffi (CPython only).
    const refOf = (name: string) => bom.components.find((component) => component.name.toLowerCase() === name)!['bom-ref'];
    const dependsOn = (ref: string) => bom.dependencies.find((entry) => entry.ref === ref)?.dependsOn ?? [];
    expect(dependsOn('layer:stable/python3.12-arm64').sort()).toEqual([refOf('pyjwt'), refOf('python-jose'), refOf('requests')].sort());
    expect(dependsOn(refOf('python-jose'))).toEqual(expect.arrayContaining([refOf('cryptography'), refOf('ecdsa')]));
    expect(dependsOn(refOf('cryptography'))).toContain(refOf('cffi'));
  });

  it('is the same bytes from the same layer, with a serial number of its own', async () => {
    const [a, b] = [await builtPythonLayer('x86_64'), await builtPythonLayer('x86_64')];
    const [textA, textB] = [fs.readFileSync(path.join(a.buildDir, a.layer.sbom!), 'utf8'), fs.readFileSync(path.join(b.buildDir, b.layer.sbom!), 'utf8')];
    expect(textB).toBe(textA);
    expect(textA).not.toMatch(/timestamp|\/tmp\//);
    const arm = layerSbom(PLUGINS.byId('python'), { ...a.layer, id: 'stable/python3.12-arm64' }, { name: 'lambda-layer-stacks', version: '0.1.0' });
    expect((JSON.parse(arm) as Bom).serialNumber).not.toBe((JSON.parse(textA) as Bom).serialNumber);
    expect((JSON.parse(textA) as Bom).serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('the SBOM of a Node.js layer', () => {
  it("is valid CycloneDX 1.6 with npm purls, package-lock's integrity as SHA-512 and the resolved graph", async () => {
    const layer = readManifest(path.join(PROJECT_ROOT, '.build')).layers.find((candidate) => candidate.id === 'dependencies/nodejs-x86_64')!;
    const text = fs.readFileSync(path.join(PROJECT_ROOT, '.build', layer.sbom!), 'utf8');
    expect(await validator.validate(text)).toBeNull();
    const bom = JSON.parse(text) as Bom;
    const hono = bom.components.find((component) => component.name === 'hono')!;
    expect(hono).toMatchObject({ purl: 'pkg:npm/hono@4.13.19', licenses: [{ license: { id: 'MIT' } }] });
    const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'layers', 'dependencies', 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { integrity: string }>;
    };
    expect(hono.hashes).toEqual([
      { alg: 'SHA-512', content: Buffer.from(lock.packages['node_modules/hono'].integrity.replace('sha512-', ''), 'base64').toString('hex') },
    ]);
    const client = bom.components.find((component) => component.name === '@aws-sdk/client-dynamodb')!;
    expect(client.purl).toBe(`pkg:npm/%40aws-sdk/client-dynamodb@${client.version}`);
    expect(bom.dependencies.find((entry) => entry.ref === client['bom-ref'])?.dependsOn?.length).toBeGreaterThan(5);
  });

  it('names packages as package URLs do', () => {
    expect(purlOf(PLUGINS.byId('python'), { name: 'Typing_Extensions', version: '4.12.2' })).toBe('pkg:pypi/typing-extensions@4.12.2');
    expect(purlOf(PLUGINS.byId('nodejs'), { name: '@smithy/types', version: '4.0.0' })).toBe('pkg:npm/%40smithy/types@4.0.0');
  });
});
