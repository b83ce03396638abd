import { FamilyDefinition } from './family';
import { NodeRuntime, nodejsFamily } from './nodejs/definition';
import { PythonRuntime, pythonFamily } from './python/definition';

/** Every runtime family, listed once: a new family is its folder under families/ and one line here. */
export const FAMILIES = [nodejsFamily, pythonFamily] as const;

export type RuntimeFamily = (typeof FAMILIES)[number]['id'];
export type Runtime = NodeRuntime | PythonRuntime;

/** The family a runtime belongs to, by the runtimes each family lists. */
export function familyOfRuntime(runtime: Runtime): FamilyDefinition<RuntimeFamily> {
  return FAMILIES.find((family) => (family.runtimes as readonly string[]).includes(runtime))!;
}

/** The family of a runtime named in text (a layer description, state); undefined when no family lists it. */
export function familyOfRuntimeName(runtime: string): FamilyDefinition<RuntimeFamily> | undefined {
  return FAMILIES.find((family) => family.runtimeName.test(runtime));
}

export function familyById(id: RuntimeFamily): FamilyDefinition<RuntimeFamily> {
  return FAMILIES.find((family) => family.id === id)!;
}
