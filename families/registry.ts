import { FamilyDefinition } from './family';

/** A family's id ("nodejs", "python", or any family a registry holds): the configuration's "function", a layer's kind. */
export type FamilyId = string;
/** A Lambda runtime's identifier ("nodejs24.x", "python3.12"): one of the runtimes a family of the registry lists. */
export type Runtime = string;

/**
 * The families a run knows, looked up by id or runtime. The entry points assemble one (family-plugins/registry.ts)
 * and hand it down: the configuration is checked against it, the build and the local run build with it, the rules
 * ask it what a runtime ships. Each family is a folder of family-plugins/ and a line of its registry.ts; the first
 * family of a registry is the default function.
 */
export interface FamilyRegistry<F extends FamilyDefinition = FamilyDefinition> {
  /** In registration order. */
  readonly families: readonly F[];
  /** Every runtime of every family, in the families' order. */
  readonly runtimes: readonly string[];
  /** The families' ids, as the configuration's "function" setting takes them. */
  readonly ids: readonly string[];
  /** The family with this id; undefined when none. */
  find(id: unknown): F | undefined;
  /** The family with this id; throws (a programming error) when none. */
  byId(id: string): F;
  /** The family that lists this runtime; throws when none (the configuration refuses a runtime no family lists). */
  ofRuntime(runtime: string): F;
  /** The family of a runtime named in text (a layer description, state), older runtimes included; undefined when none. */
  ofRuntimeName(runtime: string): F | undefined;
}

/** A registry of the given families; two families may not share an id, a runtime or a package file. */
export function familyRegistry<F extends FamilyDefinition>(families: readonly F[]): FamilyRegistry<F> {
  const ids = families.map((family) => family.id);
  const runtimes = families.flatMap((family): readonly string[] => family.runtimes);
  const packageFiles = families.map((family) => family.packageFile);
  for (const [what, list] of [
    ['id', ids],
    ['runtime', runtimes],
    ['package file', packageFiles],
  ] as const) {
    const repeated = list.find((item, index) => list.indexOf(item) !== index);
    if (repeated !== undefined) throw new Error(`two runtime families claim the ${what} "${repeated}"`);
  }
  const find = (id: unknown): F | undefined => families.find((family) => family.id === id);
  return {
    families,
    runtimes,
    ids,
    find,
    byId: (id) => find(id) ?? fail(`no runtime family "${id}"; known: ${ids.join(', ')}`),
    ofRuntime: (runtime) => families.find((family) => family.runtimes.includes(runtime)) ?? fail(`no runtime family lists ${runtime}`),
    ofRuntimeName: (runtime) => families.find((family) => family.runtimeName.test(runtime)),
  };
}

function fail(message: string): never {
  throw new Error(message);
}
