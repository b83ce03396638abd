import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The project's TypeScript as the compiler's syntax tree sees it, for the structure tests: each file's imports of every
 * kind (static, type-only, re-exports, dynamic `import()`, `require()`), its string and template-literal text, the
 * names it uses, its classes and the errors it makes. Built from a map of files, so a rule can be shown failing on a
 * few lines written for it as well as run on the whole project.
 */

export type ImportKind = 'static' | 'type' | 'export' | 'dynamic' | 'require';

export interface ImportRef {
  /** As written: `../rules`, `./commands/build`. */
  readonly specifier: string;
  /** The project file it names (posix, relative to the root), when it is one. */
  readonly target?: string;
  /** For a relative specifier, the path it names from the root (posix), whether or not a source file is there. */
  readonly to?: string;
  readonly kind: ImportKind;
  /** The names it binds or re-exports as they are exported (`PROJECT_ROOT`, `UserError`); `*` for a namespace. */
  readonly names: readonly { readonly imported: string; readonly local: string }[];
  readonly line: number;
}

/** A string or template-literal text of the code (each template part on its own), not comments. */
export interface LiteralText {
  readonly text: string;
  readonly line: number;
  /** Whether it is part of a template literal with substitutions. */
  readonly template: boolean;
}

export interface SourceFile {
  /** Posix path relative to the project root. */
  readonly path: string;
  /** Its top-level folder, or "(root)" for a file at the top. */
  readonly folder: string;
  readonly tree: ts.SourceFile;
  readonly imports: readonly ImportRef[];
  readonly literals: readonly LiteralText[];
  /** Identifiers used as values (not property names): `__dirname`, `PROJECT_ROOT`. */
  readonly identifiers: ReadonlySet<string>;
  /** Property names written as identifiers, in object literals and types (`{ python: ... }`). */
  readonly keys: readonly LiteralText[];
}

export type SourceModel = ReadonlyMap<string, SourceFile>;

export function lineOf(tree: ts.SourceFile, node: ts.Node): number {
  return tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
}

/** The project file a relative specifier names from `from`: `x.ts`, `x/index.ts`, or the file itself. */
function resolve(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => known.has(candidate));
}

function namesOf(clause: ts.ImportClause | undefined): { imported: string; local: string }[] {
  if (!clause) return [];
  const names: { imported: string; local: string }[] = [];
  if (clause.name) names.push({ imported: 'default', local: clause.name.text });
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push({ imported: '*', local: bindings.name.text });
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements) names.push({ imported: (element.propertyName ?? element.name).text, local: element.name.text });
  }
  return names;
}

function readFile(relative: string, text: string, known: ReadonlySet<string>): SourceFile {
  const tree = ts.createSourceFile(relative, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: ImportRef[] = [];
  const literals: LiteralText[] = [];
  const identifiers = new Set<string>();
  const keys: LiteralText[] = [];
  const add = (specifier: string, kind: ImportKind, node: ts.Node, names: { imported: string; local: string }[] = []): void => {
    const to = specifier.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(relative), specifier)) : undefined;
    imports.push({ specifier, target: resolve(relative, specifier, known), to, kind, names, line: lineOf(tree, node) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly ? 'type' : 'static', node, namesOf(node.importClause));
      return;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const names =
        node.exportClause && ts.isNamedExports(node.exportClause)
          ? node.exportClause.elements.map((element) => ({ imported: (element.propertyName ?? element.name).text, local: element.name.text }))
          : [{ imported: '*', local: '*' }];
      add(node.moduleSpecifier.text, 'export', node, names);
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node.moduleReference.expression.text, 'require', node, [{ imported: '*', local: node.name.text }]);
      return;
    }
    if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const literal = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : undefined;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword && literal !== undefined) add(literal, 'dynamic', node);
      if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && literal !== undefined) add(literal, 'require', node);
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, 'type', node);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      literals.push({ text: node.text, line: lineOf(tree, node), template: false });
    } else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      literals.push({ text: node.text, line: lineOf(tree, node), template: true });
    }
    if (ts.isIdentifier(node) && !isPropertyName(node)) identifiers.add(node.text);
    if ((ts.isPropertyAssignment(node) || ts.isPropertySignature(node)) && ts.isIdentifier(node.name)) {
      keys.push({ text: node.name.text, line: lineOf(tree, node), template: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  const relativeFolder = relative.includes('/') ? relative.split('/')[0] : '(root)';
  return { path: relative, folder: relativeFolder, tree, imports, literals, identifiers, keys };
}

/** A name after a dot or before a colon in an object literal, or a declaration's own name: not a use of a value. */
function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isPropertySignature(parent) && parent.name === node) ||
    (ts.isPropertyDeclaration(parent) && parent.name === node) ||
    (ts.isMethodDeclaration(parent) && parent.name === node) ||
    (ts.isImportSpecifier(parent) && parent.propertyName === node)
  );
}

/** A model of the given files (posix paths relative to the root → text). */
export function modelOf(files: Readonly<Record<string, string>>): SourceModel {
  const known = new Set(Object.keys(files));
  return new Map(
    Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([relative, text]) => [relative, readFile(relative, text, known)]),
  );
}

/** Top-level folders that are not the project's source: installed packages, the tests, the runtimes' binaries, layer folders. */
const NOT_SOURCE = new Set(['node_modules', '__tests__', 'runtimes', 'layers', 'coverage']);

/** Every TypeScript file of the project's source under `root` (dot folders, synth output and node_modules aside). */
export function projectSourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name.startsWith('cdktf.out') || entry.name === 'node_modules' || (dir === root && NOT_SOURCE.has(entry.name)))
        continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** Every TypeScript file of the tests under `root` (their fixtures aside): the test files and their support. */
export function testSourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (child !== '__tests__/fixtures' && entry.name !== 'node_modules') walk(child);
      } else if (entry.name.endsWith('.ts')) out.push(child);
    }
  };
  walk('__tests__');
  return out.sort();
}

/** The model of the project's source under `root`; with `tests`, the tests' files too (imports between them resolved). */
export function readProjectModel(root: string, options: { tests?: boolean } = {}): SourceModel {
  const files = [...projectSourceFiles(root), ...(options.tests ? testSourceFiles(root) : [])];
  return modelOf(Object.fromEntries(files.map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8')])));
}
