import { FamilyDefinition } from '../families/family';
import { createHash } from 'node:crypto';
import type * as CycloneDx from '@cyclonedx/cyclonedx-library';
import type { PackageURL } from 'packageurl-js';
import { InstalledPackage, LayerArtifact } from './manifest';

/**
 * What a built layer holds, said the way scanners read it: a CycloneDX 1.6 SBOM (the CycloneDX library
 * of the OWASP project builds and serialises it). One component per package with its package URL, the
 * file hash its lock or package-lock.json records, its declared license and the packages it needs on
 * the layer's target; the layer itself as the subject, with its runtime, architecture and content hash.
 * No timestamp and a serial number derived from the content, so the same layer gives the same bytes.
 * The build writes it beside the tree; each deploy stores it beside the layer's manifest.
 */

export const SBOM_FILE = 'sbom.cdx.json';

/** Who made the SBOM and the tree: this project, and the package manager that installed it. */
export interface SbomProducer {
  readonly name: string;
  readonly version: string;
}

interface Libraries {
  readonly cdx: typeof CycloneDx;
  readonly PackageURL: typeof PackageURL;
  readonly licenses: CycloneDx.Contrib.License.Factories.LicenseFactory;
}

let loaded: Libraries | undefined;

/**
 * The CycloneDX, purl and SPDX libraries, loaded with the first SBOM: they take a fifth of a second to load, and a
 * build that reuses every layer (or a command that makes no SBOM) never needs them.
 */
function libraries(): Libraries {
  if (!loaded) {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
    const cdx = require('@cyclonedx/cyclonedx-library') as typeof CycloneDx;
    const spdxExpressionParse = require('spdx-expression-parse') as typeof import('spdx-expression-parse');
    const { PackageURL: purl } = require('packageurl-js') as typeof import('packageurl-js');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const licenses = new cdx.Contrib.License.Factories.LicenseFactory((expression: string) => {
      spdxExpressionParse(expression);
    });
    loaded = { cdx, PackageURL: purl, licenses };
  }
  return loaded;
}

/** The package URL (purl) of a package: pkg:pypi/<normalised name>@<version>, pkg:npm/<@scope>/<name>@<version>. */
export function purlOf(family: FamilyDefinition, pkg: Pick<InstalledPackage, 'name' | 'version'>): string {
  const { PackageURL } = libraries();
  const { type, namespace, name } = family.packageUrl(pkg.name);
  return new PackageURL(type, namespace, name, pkg.version, undefined, undefined).toString();
}

/** A name-based UUID (version 5 layout) from the layer's identity and content, so one layer always has one serial number. */
function serialNumberOf(layer: LayerArtifact): string {
  const hex = createHash('sha1').update(`lambda-layer\n${layer.id}\n${layer.contentHash}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `urn:uuid:${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

/** The layer's CycloneDX 1.6 JSON, with a trailing newline. */
export function layerSbom(family: FamilyDefinition, layer: LayerArtifact, producer: SbomProducer): string {
  const { cdx, licenses } = libraries();
  const { Enums, Models, Serialize, Spec } = cdx;
  const HASH_ALGORITHMS = { 'SHA-256': Enums.HashAlgorithm['SHA-256'], 'SHA-512': Enums.HashAlgorithm['SHA-512'] } as const;
  const bom = new Models.Bom({ serialNumber: serialNumberOf(layer) });
  const subject = new Models.Component(Enums.ComponentType.Library, layer.name, {
    bomRef: `layer:${layer.id}`,
    version: layer.contentHash.slice(0, 16),
    description: `AWS Lambda layer ${layer.id}`,
  });
  const properties: [string, string][] = [
    ['aws:lambda:layer:runtime-family', layer.family],
    ['aws:lambda:layer:architecture', layer.architecture],
    ['lambda-layer-stacks:content-hash', layer.contentHash],
    ['lambda-layer-stacks:input-hash', layer.inputHash],
    ['lambda-layer-stacks:unzipped-bytes', String(layer.unzippedBytes)],
    ...family.layerProperties(layer.variant),
  ];
  for (const [name, value] of properties) subject.properties.add(new Models.Property(name, value));
  bom.metadata.component = subject;
  for (const tool of [producer, layer.tool])
    bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, tool.name, { version: tool.version }));

  const byPath = new Map<string, CycloneDx.Models.Component>();
  const byPurl = new Map<string, CycloneDx.Models.Component>();
  for (const pkg of layer.packages) {
    const purl = purlOf(family, pkg);
    let component = byPurl.get(purl);
    if (!component) {
      component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
        bomRef: purl,
        version: pkg.version,
        purl,
        scope: Enums.ComponentScope.Required,
      });
      for (const hash of pkg.hashes ?? []) component.hashes.set(HASH_ALGORITHMS[hash.alg], hash.content);
      if (pkg.license) component.licenses.add(licenses.makeFromString(pkg.license));
      for (const [name, value] of family.packageProperties(pkg)) component.properties.add(new Models.Property(name, value));
      component.properties.add(new Models.Property('lambda-layer-stacks:direct', String(pkg.direct)));
      byPurl.set(purl, component);
      bom.components.add(component);
    }
    byPath.set(pkg.path, component);
    if (pkg.direct) subject.dependencies.add(component.bomRef);
  }
  for (const pkg of layer.packages) {
    const component = byPath.get(pkg.path)!;
    for (const needed of pkg.dependsOn ?? []) {
      const dependency = byPath.get(needed);
      if (dependency && dependency !== component) component.dependencies.add(dependency.bomRef);
    }
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
