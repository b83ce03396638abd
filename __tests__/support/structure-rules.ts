import * as ts from 'typescript';
import { SourceFile, SourceModel, lineOf } from './source-model';

/**
 * The structure rules, each a pure function of a source model (support/source-model.ts) that returns what breaks it as
 * "file:line what" lines: empty when the code keeps it. whole-project/structure.test.ts runs each on the project and on a few lines
 * written to break it, so a rule that could never fail does not pass unseen.
 */

const at = (file: SourceFile, line: number, what: string): string => `${file.path}:${line} ${what}`;

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** Folder → folder → the imports behind that edge ("file:line → file"), from imports of every kind. */
export function folderGraph(model: SourceModel): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of model.values()) {
    for (const ref of file.imports) {
      if (!ref.target) continue;
      const to = model.get(ref.target)!.folder;
      if (to === file.folder) continue;
      const edges = graph.get(file.folder) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), `${file.path}:${ref.line} → ${ref.target}`]);
      graph.set(file.folder, edges);
    }
  }
  return graph;
}

/** Every folder-level cycle, each as the folders in order (Tarjan's strongly connected components). */
export function cyclesIn(graph: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return components;
}

/** Folder-level import cycles, each named by the imports that close it. */
export function importCycles(model: SourceModel): string[] {
  const graph = folderGraph(model);
  return cyclesIn(graph).map((cycle) =>
    cycle.flatMap((a) => cycle.filter((b) => graph.get(a)?.has(b)).map((b) => `${a} → ${b}: ${graph.get(a)!.get(b)![0]}`)).join('; '),
  );
}

/** Imports from a folder into folders it may not read: `allowed` lists what it may read (any other is refused), `refused` what it may not. */
export function folderReads(
  model: SourceModel,
  folder: string,
  rule: { readonly allowed?: readonly string[]; readonly refused?: readonly string[] },
): string[] {
  const edges = folderGraph(model).get(folder) ?? new Map<string, string[]>();
  return [...edges.entries()]
    .filter(([to]) => (rule.allowed ? !rule.allowed.includes(to) : false) || (rule.refused ?? []).includes(to))
    .map(([to, imports]) => `${imports[0]} (${folder} may not read ${to})`);
}

/** Source that imports the tests' own files (the bench included: it runs outside the tests). */
export function importsOfTests(model: SourceModel): string[] {
  return [...model.values()].flatMap((file) =>
    file.imports.filter((ref) => ref.to?.startsWith('__tests__/')).map((ref) => at(file, ref.line, `imports ${ref.specifier} (test support)`)),
  );
}

/** Files of one command (the CLI's, cli/commands/, or a family's, family-plugins/<family>/commands/). */
export function isCommandFile(file: string): boolean {
  return /^cli\/commands\/[^/]+\.ts$/.test(file) || /^family-plugins\/[^/]+\/commands\/[^/]+\.ts$/.test(file);
}

/** A command that imports another (statically, by `import()` or by `require()`), and a use case that imports a command or the CLI. */
export function commandCrossings(model: SourceModel): string[] {
  return [...model.values()].flatMap((file) =>
    file.imports
      // `require('./x') as typeof import('./x')` is one crossing: the first import of each file counts.
      .filter((ref, index, all) => all.findIndex((other) => other.target === ref.target) === index)
      .filter(
        (ref) =>
          ref.target !== undefined &&
          ref.target !== file.path &&
          ((isCommandFile(file.path) && isCommandFile(ref.target)) ||
            (file.folder === 'use-cases' && (isCommandFile(ref.target) || ref.target.startsWith('cli/')))),
      )
      .map((ref) => at(file, ref.line, `${ref.kind} import of ${ref.target}`)),
  );
}

/**
 * What only the entry points may do: import the family registry or a family's plug-in (family-plugins/registry.ts
 * lists them), reach the project root (by name, through a namespace, destructured, or off what require() or import()
 * returned), assemble a registry of families, or make a project context. Each such place elsewhere.
 */
export function belowEntryPoints(model: SourceModel, entryPoints: readonly string[]): string[] {
  const makers = new Map<string, readonly string[]>([
    ['familyRegistry', ['families/registry.ts', 'family-plugins/registry.ts']],
    ['projectContext', ['use-cases/context.ts']],
  ]);
  return [...model.values()]
    .filter((file) => !entryPoints.includes(file.path) && file.path !== 'project/paths.ts')
    .flatMap((file) => {
      const found = file.imports.flatMap((ref) => {
        if (ref.target === 'family-plugins/registry.ts') return [at(file, ref.line, `${ref.kind} import of the family registry`)];
        const plugin = /^family-plugins\/([^/]+)\/index\.ts$/.exec(ref.target ?? '');
        if (plugin && file.path !== 'family-plugins/registry.ts' && !file.path.startsWith(`family-plugins/${plugin[1]}/`)) {
          return [at(file, ref.line, `${ref.kind} import of the ${plugin[1]} plug-in (only family-plugins/registry.ts lists plug-ins)`)];
        }
        if (ref.target !== 'project/paths.ts') return [];
        let used = false;
        walk(file.tree, (node) => {
          // Any mention in code (a name, a property, a destructured key, a quoted key) of a file that imports paths.ts.
          if ((ts.isIdentifier(node) || ts.isStringLiteral(node)) && node.text === 'PROJECT_ROOT') used = true;
        });
        return used ? [at(file, ref.line, 'imports PROJECT_ROOT')] : [];
      });
      walk(file.tree, (node) => {
        if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression)) return;
        const allowed = makers.get(node.expression.text);
        if (!allowed || allowed.includes(file.path)) return;
        const [first] = node.arguments;
        // An empty registry assembles no family (the settings schema lists its fields from one).
        if (node.expression.text === 'familyRegistry' && first && ts.isArrayLiteralExpression(first) && first.elements.length === 0) return;
        found.push(at(file, lineOf(file.tree, node), `calls ${node.expression.text}(), which only the entry points do`));
      });
      return found;
    });
}

/** Local names bound to project/errors.ts UserError in a file: imported (renamed or not), or assigned from such a name. */
function userErrorNames(file: SourceFile): Set<string> {
  const names = new Set(
    file.imports
      .filter((ref) => ref.target === 'project/errors.ts')
      .flatMap((ref) => ref.names.filter((name) => name.imported === 'UserError').map((name) => name.local)),
  );
  if (file.path === 'project/errors.ts') names.add('UserError');
  walk(file.tree, (node) => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isIdentifier(node.initializer) &&
      names.has(node.initializer.text)
    ) {
      names.add(node.name.text);
    }
  });
  return names;
}

/** Where a file makes a user-facing error itself, or subclasses UserError, outside an errors.ts. */
export function errorsOutsideErrorFiles(model: SourceModel): string[] {
  return [...model.values()]
    .filter((file) => !file.path.endsWith('/errors.ts'))
    .flatMap((file) => {
      const names = userErrorNames(file);
      const found: string[] = [];
      walk(file.tree, (node) => {
        if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && names.has(node.expression.text)) {
          found.push(at(file, lineOf(file.tree, node), `new ${node.expression.text}(...)`));
        }
        if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.heritageClauses) {
          for (const type of node.heritageClauses.flatMap((clause) => clause.types)) {
            if (ts.isIdentifier(type.expression) && names.has(type.expression.text)) {
              found.push(at(file, lineOf(file.tree, node), `class ${node.name?.text ?? '(anonymous)'} extends ${type.expression.text}`));
            }
          }
        }
      });
      return found;
    });
}

/** The codes an errors.ts declares in its `*_ERROR_CODES` list. */
export function declaredCodes(file: SourceFile): string[] {
  const codes: string[] = [];
  walk(file.tree, (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text.endsWith('_ERROR_CODES') && node.initializer) {
      let list: ts.Expression = node.initializer;
      while (ts.isAsExpression(list) || ts.isSatisfiesExpression(list) || ts.isParenthesizedExpression(list)) list = list.expression;
      if (ts.isArrayLiteralExpression(list)) for (const element of list.elements) if (ts.isStringLiteral(element)) codes.push(element.text);
    }
  });
  return codes;
}

/** The string literals an expression can be: a literal, or either branch of a conditional; undefined when it is anything else. */
function literalChoices(node: ts.Expression): string[] | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return literalChoices(node.expression);
  if (ts.isConditionalExpression(node)) {
    const [a, b] = [literalChoices(node.whenTrue), literalChoices(node.whenFalse)];
    return a && b ? [...a, ...b] : undefined;
  }
  return undefined;
}

/**
 * In each errors.ts: every error made with a literal code that the file declares (or USAGE, the command line's, which a
 * family's commands make too: exit code 2), and no exported factory that takes a message to pass through.
 */
export function errorFactories(model: SourceModel): string[] {
  return [...model.values()]
    .filter((file) => file.path.endsWith('/errors.ts'))
    .flatMap((file) => {
      const declared = declaredCodes(file);
      const names = userErrorNames(file);
      const found: string[] = [];
      walk(file.tree, (node) => {
        if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && names.has(node.expression.text)) {
          const [code] = node.arguments ?? [];
          const choices = code ? literalChoices(code) : undefined;
          if (!choices) found.push(at(file, lineOf(file.tree, node), 'makes an error whose code is not a literal'));
          for (const choice of (choices ?? []).filter((candidate) => !declared.includes(candidate) && candidate !== 'USAGE')) {
            found.push(at(file, lineOf(file.tree, node), `makes ${choice}, which its *_ERROR_CODES does not declare`));
          }
        }
        if (ts.isFunctionDeclaration(node) && node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) {
          for (const parameter of node.parameters) {
            if (ts.isIdentifier(parameter.name) && /^(message|text|sentence)$/.test(parameter.name.text)) {
              found.push(at(file, lineOf(file.tree, node), `${node.name?.text ?? 'a factory'} takes a ${parameter.name.text} to pass through`));
            }
          }
        }
      });
      return found;
    });
}

/** Folders with an errors.ts (family plug-ins aside: theirs come with the plug-in) that cli/error-codes.ts does not assemble. */
export function unassembledErrorFolders(model: SourceModel): string[] {
  const assembler = model.get('cli/error-codes.ts');
  const assembled = new Set((assembler?.imports ?? []).flatMap((ref) => (ref.target?.endsWith('/errors.ts') ? [ref.target] : [])));
  return [...model.keys()]
    .filter((file) => /^[^/]+\/errors\.ts$/.test(file) && !assembled.has(file))
    .map((file) => `${file} is not assembled by cli/error-codes.ts`);
}

/** Words of a text, split where a family id could not continue (`python3.12` is one word, `/python` holds `python`). */
function words(text: string): string[] {
  return text.split(/[^A-Za-z0-9_]+/).filter(Boolean);
}

/**
 * A runtime family named outside its plug-in folder: its id as a word of a string or template literal, or as a
 * property name. The core asks the registry and the family's definition instead.
 */
export function familyNamesOutsidePlugins(model: SourceModel, ids: readonly string[], allowed: readonly string[] = ['family-plugins']): string[] {
  return [...model.values()]
    .filter((file) => !allowed.includes(file.folder))
    .flatMap((file) => [
      ...file.literals
        .filter((literal) => words(literal.text).some((word) => ids.includes(word)))
        .map((literal) => at(file, literal.line, `${literal.template ? 'template literal' : 'literal'} ${JSON.stringify(literal.text)}`)),
      ...file.keys.filter((key) => ids.includes(key.text)).map((key) => at(file, key.line, `property ${key.text}`)),
    ]);
}

/** Files (other than project/paths.ts) that use __dirname: the CLI runs bundled from .cli/, so only the root finder may. */
export function dirnameUses(model: SourceModel): string[] {
  return [...model.values()]
    .filter((file) => file.path !== 'project/paths.ts' && file.identifiers.has('__dirname'))
    .map((file) => `${file.path} uses __dirname`);
}

/** The synth output's folder spelled outside project/paths.ts: 'cdktf.out', a 'stacks' path segment, or CDKTF_OUTDIR read. */
export function stackFolderSpelled(model: SourceModel): string[] {
  return [...model.values()]
    .filter((file) => file.path !== 'project/paths.ts')
    .flatMap((file) => {
      const found: string[] = [];
      walk(file.tree, (node) => {
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && (node.text === 'cdktf.out' || node.text === 'CDKTF_OUTDIR')) {
          found.push(at(file, lineOf(file.tree, node), `spells ${JSON.stringify(node.text)}`));
        }
        if (ts.isStringLiteral(node) && node.text === 'stacks' && ts.isCallExpression(node.parent))
          found.push(at(file, lineOf(file.tree, node), "joins 'stacks'"));
        if (ts.isPropertyAccessExpression(node) && node.name.text === 'CDKTF_OUTDIR') found.push(at(file, lineOf(file.tree, node), 'reads CDKTF_OUTDIR'));
      });
      return found;
    });
}

/** Stacks and constructs that run the deployment rules (import rules/index.ts, call assertDeployable or checkDeployments). */
export function rulesInsideStacks(model: SourceModel): string[] {
  return [...model.values()]
    .filter((file) => file.folder === 'stacks' || file.folder === 'constructs')
    .flatMap((file) => [
      ...file.imports.filter((ref) => ref.target === 'rules/index.ts').map((ref) => at(file, ref.line, 'imports the deployment rules')),
      ...['assertDeployable', 'checkDeployments'].filter((name) => file.identifiers.has(name)).map((name) => `${file.path} calls ${name}`),
    ]);
}

/** A construct (a class extending Construct) whose props hold a whole environment, or that does not check its props first. */
export function constructProps(model: SourceModel): { readonly constructs: readonly string[]; readonly problems: readonly string[] } {
  const constructs: string[] = [];
  const problems: string[] = [];
  for (const file of [...model.values()].filter((candidate) => candidate.folder === 'constructs')) {
    walk(file.tree, (node) => {
      if (
        !ts.isClassDeclaration(node) ||
        !node.heritageClauses?.some((clause) => clause.types.some((type) => type.expression.getText(file.tree) === 'Construct'))
      )
        return;
      constructs.push(file.path);
      const constructor = node.members.find(ts.isConstructorDeclaration);
      const checks = constructor?.body?.statements.some((statement) =>
        /^rejectInvalidProps\(this, \w+Problems\(props\)\);$/.test(statement.getText(file.tree)),
      );
      if (!checks) problems.push(`${file.path}: ${node.name?.text} does not start with rejectInvalidProps(this, ...Problems(props))`);
    });
    walk(file.tree, (node) => {
      if (ts.isPropertySignature(node) && ts.isIdentifier(node.name) && node.name.text === 'env' && node.type?.getText(file.tree) === 'EnvironmentConfig') {
        problems.push(at(file, lineOf(file.tree, node), 'props hold a whole EnvironmentConfig'));
      }
    });
  }
  return { constructs, problems };
}

/** Messages that send a reader to the documentation: each `docs/<file>.md` (and `, "Section"`) in a string or template literal. */
export function documentationReferences(model: SourceModel): { readonly file: string; readonly doc: string; readonly section?: string }[] {
  return [...model.values()].flatMap((file) =>
    file.literals.flatMap((literal) =>
      [...literal.text.matchAll(/docs\/([a-z-]+\.md)(?:, "([^"]+)")?/g)].map((match) => ({
        file: `${file.path}:${literal.line}`,
        doc: match[1],
        section: match[2],
      })),
    ),
  );
}

/** Where the tests through the entry points (and the ones that read the project whole) live, named for what they show. */
export const WHOLE_PROJECT_TESTS = '__tests__/whole-project/';

/**
 * Tests a reader would not find from the module's path: `__tests__/<path>/<name>.test.ts` (or `.unit.test.ts`, the quick
 * suite's) tests `<path>/<name>.ts`, a folder's index as `index`; the tests through the entry points sit in whole-project/.
 */
export function misplacedTests(testFiles: readonly string[], sourceFiles: Iterable<string>): string[] {
  const modules = new Set([...sourceFiles].map((file) => file.replace(/\.ts$/, '')));
  return testFiles.flatMap((file) => {
    if (!file.startsWith('__tests__/')) return [`${file} is outside __tests__/, where Jest never looks for tests`];
    const named = /^__tests__\/(.+?)(?:\.unit)?\.test\.ts$/.exec(file);
    if (!named) return [`${file} is not named <module>.test.ts or <module>.unit.test.ts`];
    if (file.startsWith(WHOLE_PROJECT_TESTS)) return file.slice(WHOLE_PROJECT_TESTS.length).includes('/') ? [`${file}: whole-project/ has no folders`] : [];
    return modules.has(named[1]) ? [] : [`${file} names no module: there is no ${named[1]}.ts (tests through the entry points go in ${WHOLE_PROJECT_TESTS})`];
  });
}

/**
 * Quick-suite tests (`*.unit.test.ts`, run by `npm run test:unit` with no global setup) that reach, through any chain of
 * imports, a module that needs the global setup (the project copy, the toolchain, the wheel cache), with the chain.
 */
export function unitTestsNeedingSetup(model: SourceModel, setupBound: readonly string[]): string[] {
  return [...model.values()]
    .filter((file) => file.path.endsWith('.unit.test.ts'))
    .flatMap((test) => {
      const cameFrom = new Map<string, string>([[test.path, '']]);
      const queue = [test.path];
      while (queue.length) {
        const current = queue.shift()!;
        if (setupBound.includes(current)) {
          const chain = [current];
          while (cameFrom.get(chain[0])) chain.unshift(cameFrom.get(chain[0])!);
          return [`${chain.join(' → ')} (needs the global setup: name it .test.ts, or import what needs no setup)`];
        }
        for (const ref of model.get(current)?.imports ?? []) {
          if (ref.target && !cameFrom.has(ref.target) && ref.kind !== 'type') {
            cameFrom.set(ref.target, current);
            queue.push(ref.target);
          }
        }
      }
      return [];
    });
}

/**
 * Fields that hold a family's id under another name than `family` ("kind", "runtimeFamily"...), each as
 * "file:line name"; `allowed` lists the deliberate ones as "file name" (a setting users write).
 */
export function familyIdFieldNames(model: SourceModel, allowed: readonly string[]): string[] {
  return [...model.values()].flatMap((file) => {
    const found: string[] = [];
    walk(file.tree, (node) => {
      if (!(ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) || !node.type || !ts.isIdentifier(node.name)) return;
      const type = node.type;
      const names = ts.isUnionTypeNode(type) ? type.types : [type];
      if (!names.some((member) => ts.isTypeReferenceNode(member) && member.typeName.getText(file.tree) === 'FamilyId')) return;
      const name = node.name.text;
      if (name !== 'family' && !allowed.includes(`${file.path} ${name}`)) found.push(at(file, lineOf(file.tree, node), `${name}: FamilyId (call it family)`));
    });
    return found;
  });
}
