/**
 * What a runtime family is, as facts the rest of the project reads: its Lambda runtimes, the file that makes a
 * layer folder one of its layers, how its package versions order. How a family builds (installer, lock, bundler,
 * import reader, local process) is the builder's and the local run's; this is only what it is. Each family is one
 * definition in families/<id>/, and families/registry.ts lists them once.
 */
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
  /** Whether a bare import may name the function's own top-level module (Python); else only a relative import is its own. */
  readonly bareImportsCanBeOwn: boolean;
  /** What the runtime provides before any layer is searched (Node's `node:` built-ins); undefined when nothing. */
  builtIn(module: string): string | undefined;
  /** What the runtime ships that a layer may override (the AWS SDK; the standard library and boto3); undefined when nothing. */
  shippedWithRuntime(module: string, runtime: R): string | undefined;
  /** Negative when version a is older than b, positive when newer, 0 when the same, as the family's package index orders them. */
  compareVersions(a: string, b: string): number;
}
