/**
 * Comparing what CDKTF and CDK Terrain make of the same sources: synthesised stacks, argument by argument, and the
 * arguments each prebuilt AWS provider binding offers for a resource. Pure functions over JSON and .d.ts text.
 */

/** One place where two synthesised stacks differ: its path (`resource.aws_lambda_function.<name>.runtime`) and both values. */
export interface SynthDifference {
  readonly path: string;
  /** JSON of the value in the first stack; undefined where it has none. */
  readonly first?: string;
  readonly second?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every difference between two synthesised stacks, down to the leaves (a list that differs is one difference). */
export function synthDifferences(first: unknown, second: unknown, path = ''): SynthDifference[] {
  if (isObject(first) && isObject(second)) {
    return [...new Set([...Object.keys(first), ...Object.keys(second)])]
      .sort()
      .flatMap((key) => synthDifferences(first[key], second[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(first) === JSON.stringify(second)) return [];
  return [{ path, ...(first === undefined ? {} : { first: JSON.stringify(first) }), ...(second === undefined ? {} : { second: JSON.stringify(second) }) }];
}

/** The addresses a synthesised stack declares: `resource.<type>.<name>`, `data.<type>.<name>`, `output.<name>`, `provider.<name>`. */
export function addressesOf(stack: Record<string, unknown>): string[] {
  const addresses: string[] = [];
  for (const kind of ['resource', 'data'] as const) {
    const byType = isObject(stack[kind]) ? stack[kind] : {};
    for (const [type, named] of Object.entries(byType)) for (const name of Object.keys(isObject(named) ? named : {})) addresses.push(`${kind}.${type}.${name}`);
  }
  for (const kind of ['output', 'provider'] as const)
    for (const name of Object.keys(isObject(stack[kind]) ? stack[kind] : {})) addresses.push(`${kind}.${name}`);
  return addresses.sort();
}

/**
 * The Terraform arguments a generated binding's `index.d.ts` offers for one resource, nested blocks by their path
 * (`logging_config.log_format`): read from the binding's own documentation links (`{@link ...#arg Class#arg}`) under
 * each configuration interface, the blocks found through the property whose type an interface is.
 */
export function bindingArguments(dts: string): string[] {
  const interfaces = new Map<string, { name: string; type: string }[]>();
  for (const match of dts.matchAll(/^export interface (\w+)(?: extends [\w.]+)? \{\n([\s\S]*?)^\}/gm)) {
    const members: { name: string; type: string }[] = [];
    for (const member of match[2].matchAll(/#(\w+) \w+#\w+\}[\s\S]*?\*\/\s*readonly \w+\??: ([\w.]+)/g)) members.push({ name: member[1], type: member[2] });
    interfaces.set(match[1], members);
  }
  const root = [...interfaces.keys()].find((name) => name.endsWith('Config') && !interfaces.has(`${name}Config`));
  const found: string[] = [];
  const visit = (name: string, prefix: string, seen: ReadonlySet<string>): void => {
    for (const member of interfaces.get(name) ?? []) {
      found.push(`${prefix}${member.name}`);
      if (interfaces.has(member.type) && !seen.has(member.type)) visit(member.type, `${prefix}${member.name}.`, new Set([...seen, member.type]));
    }
  };
  if (root) visit(root, '', new Set([root]));
  return [...new Set(found)].sort();
}
