/**
 * What a runtime family is, as facts the rest of the project reads: its Lambda runtimes, the file that makes a
 * layer folder one of its layers, how its package versions order. How a family builds (installer, lock, bundler,
 * import reader, local process) is the builder's and the local run's; this is only what it is. Each family is one
 * definition in families/<id>/, and families/registry.ts lists them once.
 */
import { LambdaPlatform } from './platform';

/** What one managed layer holds, for the import coverage rule. */
export interface ManagedLayerContents {
  /** Python top-level modules, or npm package names and patterns ("@aws-lambda-powertools/*"). */
  readonly provides: readonly string[];
  /** The distributions it installs, for a family that checks layers' declared dependencies (Python); else empty. */
  readonly distributions: readonly string[];
  /** Layer versions this table describes, first to last. */
  readonly versions: readonly [number, number];
}

/** A layer AWS publishes for a family (Powertools for AWS Lambda), attached by ARN with the "hybrid" strategy. */
export interface ManagedLayerFacts<R extends string = string> {
  /** How the project names it: "powertools-python". */
  readonly name: string;
  /** The language its publisher names it by, for messages: "Python", "TypeScript". */
  readonly label: string;
  /** The environment setting that pins its version. */
  readonly versionSetting: 'powertoolsPythonLayerVersion' | 'powertoolsTypeScriptLayerVersion';
  /** The publishing account, per partition. */
  readonly accounts: Readonly<Partial<Record<string, string>>>;
  /** The layer's name in its ARN, for a runtime and architecture. */
  layerName(runtime: R, architecture: string): string;
  /** What a function's bundle leaves out when it is attached: its own packages (and for TypeScript the runtime's AWS SDK it relies on). */
  readonly externalPackages: readonly string[];
  readonly contents: ManagedLayerContents;
}

/** Lambda's folders, as absolute paths (under a sandbox root on this machine). */
export interface LambdaDirs {
  /** /var/task: the function's code. */
  readonly task: string;
  /** /opt: the layers. */
  readonly opt: string;
  /** /var/runtime: the runtime's client. */
  readonly runtime: string;
  /** /var/lang: the runtime's language installation. */
  readonly lang: string;
}

/**
 * The seed's three layer strategies, as layer folders each family lists (FamilyDefinition.strategyLayers):
 * single - every dependency in one layer;
 * hybrid - the Powertools for AWS Lambda managed layer plus a minimal layer;
 * split - by update frequency: stable, framework, adapters (Node.js has no adapter package).
 */
export const LAYER_STRATEGIES = ['single', 'hybrid', 'split'] as const;
export type LayerStrategy = (typeof LAYER_STRATEGIES)[number];

export interface FamilyDefinition<Id extends string = string, R extends string = string> {
  readonly id: Id;
  /** How people name it: "Node.js", "Python". */
  readonly name: string;
  /** Lambda's runtime identifiers of this family, oldest first. */
  readonly runtimes: readonly R[];
  /** The runtime used when nothing says otherwise, e.g. to build a layer no environment uses yet. */
  readonly defaultRuntime: R;
  /** What Lambda's runtime identifiers of this family look like, older and newer ones than `runtimes` included (read in descriptions and state). */
  readonly runtimeName: RegExp;
  /** The file that makes a folder of layers/ a layer of this family. */
  readonly packageFile: string;
  /**
   * How a layer's package satisfies an import: by the name of a module it installs (Python distributions install
   * modules with other names) or by its own name (an npm package is imported by its name).
   */
  readonly importsBy: 'module' | 'package';
  /** Whether a package of a built layer, by its path in the tree, is one a function can import (Node.js: only those at the top of a node_modules folder). */
  importable(path: string): boolean;
  /** Whether a bare import may name the function's own top-level module (Python); else only a relative import is its own. */
  readonly bareImportsCanBeOwn: boolean;
  /** What the runtime provides before any layer is searched (Node's `node:` built-ins); undefined when nothing. */
  builtIn(module: string): string | undefined;
  /** What the runtime ships that a layer may override (the AWS SDK; the standard library and boto3); undefined when nothing. */
  shippedWithRuntime(module: string, runtime: R): string | undefined;
  /**
   * What a layer of this family is built for within an architecture, a part of its id: a Python layer's wheels are
   * for one Python version ("python3.12"), a Node.js layer serves every Node.js runtime ("nodejs").
   */
  layerVariantOf(runtime: R): string;
  /** Why a layer of another variant of this family does not fit, e.g. "its wheels are for Python 3.13". */
  variantMismatch(variant: string): string;
  /** A package's purl parts: its type on the package index ("npm", "pypi") and its name as that type spells it. */
  packageUrl(name: string): { readonly type: string; readonly namespace?: string; readonly name: string };
  /** What an SBOM says of one of its packages beyond name, version, hashes and license, e.g. the wheel a Python lock installed. */
  packageProperties(pkg: object): [string, string][];
  /** What an SBOM says of a layer's variant beyond its family and architecture, e.g. its Python version. */
  layerProperties(variant: string): [string, string][];
  /** The file of an installed package that names it and its version: `METADATA` in a dist-info folder, `package.json`. */
  readonly packageMetadataFile: string;
  /** Where a package's metadata file sits in a layer zip when only its name and version are known (a layer's description). */
  packageMetadataEntry(name: string, version: string): string;
  /** The folder of a layer's zip its packages sit under (/opt/<layerRoot>): "nodejs", "python". */
  readonly layerRoot: string;
  /**
   * Where the runtime looks for modules, in its order, given Lambda's folders: NODE_PATH for Node.js, sys.path before
   * the standard library for Python.
   */
  moduleSearchPath(runtime: R, dirs: LambdaDirs): string[];
  /** Where the runtime keeps the packages it ships (the AWS SDK): /var/runtime/node_modules, /var/lang/lib/pythonX.Y/site-packages. */
  runtimePackagesDir(runtime: R, dirs: LambdaDirs): string;
  /** Whether a file of a layer tree (forward-slash path) belongs to an installed package (by its folder, and its top-level modules). */
  ownsFile(pkg: { readonly path: string; readonly modules?: readonly string[] }, file: string): boolean;
  /** Whether the function is bundled, leaving out what its layers provide (Node.js, esbuild); else its files are copied as they are (Python). */
  readonly bundlesFunction: boolean;
  /** The layer folders each of the seed's layer strategies attaches to this family's function. */
  readonly strategyLayers: Readonly<Record<LayerStrategy, readonly string[]>>;
  /** The project's API function in this family: its source under the project root, Lambda's handler, and what it is built with. */
  readonly apiFunction: { readonly name: string; readonly entry: string; readonly handler: string; readonly framework: string };
  /** What the import coverage rule says of an import nothing provides, in this family's words. */
  readonly missingImport: {
    /** What the runtime itself provides: "the standard library and boto3". */
    readonly runtimeHas: string;
    /** How Lambda fails, at init or (a lazy import) when the importing code runs: "every request would fail with ...". */
    lambdaSays(module: string, handlerModule: string, lazy: boolean): string;
    /** How to add what provides it to one of the named package files, e.g. "Add it to layers/x/package.json (npm install ...)". */
    howToAdd(module: string, packageFiles: string): string;
  };
  /** The managed layer the "hybrid" strategy attaches; undefined when the family has none. */
  readonly powertools?: ManagedLayerFacts<R>;
  /** Negative when version a is older than b, positive when newer, 0 when the same, as the family's package index orders them. */
  compareVersions(a: string, b: string): number;
  /** What a runtime of the family runs on, as binary code sees it (its C library, its C++ runtime); the native-code rule reads it. */
  platform(runtime: R): LambdaPlatform;
}
