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
  /** Negative when version a is older than b, positive when newer, 0 when the same, as the family's package index orders them. */
  compareVersions(a: string, b: string): number;
}
