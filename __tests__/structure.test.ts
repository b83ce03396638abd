import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { errorCodesOf } from '../cli/error-codes';
import { PLUGINS } from '../family-plugins/registry';
import { PROJECT_ROOT } from './support/processes';
import { REPO_ROOT } from './support/test-project';

const ERROR_CODES = errorCodesOf(PLUGINS);

/**
 * The shape of the source: imports point down. Reads every TypeScript import of the source
 * folders and fails on a folder-level cycle, naming the imports that close it.
 */

const NOT_SOURCE = new Set(['node_modules', '__tests__', 'runtimes', 'layers', 'coverage']);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name.startsWith('cdktf.out') || (dir === PROJECT_ROOT && NOT_SOURCE.has(entry.name))) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') sourceFiles(full, out);
    } else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Whether a folder holds a TypeScript file of its own, at any depth (dot folders included), installed packages aside. */
function holdsTypeScript(dir: string): boolean {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .some((entry) => (entry.isDirectory() ? entry.name !== 'node_modules' && holdsTypeScript(path.join(dir, entry.name)) : entry.name.endsWith('.ts')));
}

/** The folder a file belongs to: its top-level folder, or "(root)" for main.ts. */
function folderOf(file: string): string {
  const relative = path.relative(PROJECT_ROOT, file);
  return relative.includes(path.sep) ? relative.split(path.sep)[0] : '(root)';
}

/** The file an import names: `x.ts`, or `x/index.ts`. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

/** Folder → folder → the imports (file → file) behind that edge. */
export function folderGraph(files: readonly string[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)) {
      const target = resolveImport(file, match[1]);
      if (!target) continue;
      const [a, b] = [folderOf(file), folderOf(target)];
      if (a === b) continue;
      const edges = graph.get(a) ?? new Map<string, string[]>();
      edges.set(b, [...(edges.get(b) ?? []), `${path.relative(PROJECT_ROOT, file)} → ${path.relative(PROJECT_ROOT, target)}`]);
      graph.set(a, edges);
    }
  }
  return graph;
}

/** Every folder-level cycle, each as the folders in order (Tarjan's strongly connected components). */
export function cyclesIn(graph: Map<string, Map<string, string[]>>): string[][] {
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

describe('the source folders', () => {
  const graph = folderGraph(sourceFiles(PROJECT_ROOT));

  it('import one another without a cycle', () => {
    const cycles = cyclesIn(graph).map((cycle) =>
      cycle.flatMap((a) => cycle.filter((b) => graph.get(a)?.has(b)).map((b) => `${a} → ${b}: ${graph.get(a)!.get(b)![0]}`)),
    );
    expect(cycles).toEqual([]);
  });

  it('keep the layers the design names: rules and constructs read shared types, never the builder or history', () => {
    expect([...(graph.get('rules')?.keys() ?? [])]).not.toContain('builder');
    expect([...(graph.get('constructs')?.keys() ?? [])]).not.toContain('history');
    expect([...(graph.get('artifacts')?.keys() ?? [])].sort()).toEqual(['config', 'families', 'project']);
    expect([...(graph.get('project')?.keys() ?? [])]).toEqual([]);
    // Nothing outside the tests, the bench included, reads test support.
    expect([...graph.entries()].filter(([, edges]) => edges.has('__tests__')).map(([, edges]) => edges.get('__tests__')![0])).toEqual([]);
  });

  it('are read from a copy: the tests never run against (or write into) the repository itself', () => {
    expect(PROJECT_ROOT).not.toBe(REPO_ROOT);
    // The copy and every temporary folder of the run share one parent, which the global teardown removes.
    expect(path.dirname(fs.realpathSync(os.tmpdir()))).toBe(path.dirname(PROJECT_ROOT));
  });

  it('are all type-checked: tsconfig includes every folder that holds TypeScript', () => {
    const include = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] }).include;
    const folders = fs
      .readdirSync(PROJECT_ROOT, { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && !entry.name.startsWith('.') && !entry.name.startsWith('cdktf.out') && !['node_modules', 'runtimes'].includes(entry.name),
      )
      .map((entry) => entry.name)
      .filter((name) => holdsTypeScript(path.join(PROJECT_ROOT, name)));
    expect(folders.filter((name) => !include.includes(name))).toEqual([]);
  });

  it('make every user-facing error through a named factory in the errors.ts of the folder it belongs to', () => {
    const inline = sourceFiles(PROJECT_ROOT)
      .filter((file) => path.basename(file) !== 'errors.ts')
      .flatMap((file) => (/new UserError\b/.test(fs.readFileSync(file, 'utf8')) ? [path.relative(PROJECT_ROOT, file)] : []));
    expect(inline).toEqual([]);
    // Each folder's errors.ts makes only its own codes (and USAGE, the command line's, which a family's commands make too:
    // exit code 2), and no factory takes a message to pass through.
    for (const file of sourceFiles(PROJECT_ROOT).filter((candidate) => path.basename(candidate) === 'errors.ts')) {
      const text = fs.readFileSync(file, 'utf8');
      const declared = [...(/_ERROR_CODES = \[([^\]]*)\]/.exec(text)?.[1] ?? '').matchAll(/'([A-Z_]+)'/g)].map((match) => match[1]);
      const made = [...text.matchAll(/new UserError(?:<\w+>)?\(\s*(?:[^'(]*\?\s*)?'([A-Z_]+)'(?:\s*:\s*'([A-Z_]+)')?/g)].flatMap((match) =>
        [match[1], match[2]].filter(Boolean),
      );
      expect([path.relative(PROJECT_ROOT, file), made.filter((code) => !declared.includes(code) && code !== 'USAGE')]).toEqual([
        path.relative(PROJECT_ROOT, file),
        [],
      ]);
      expect([
        path.relative(PROJECT_ROOT, file),
        [...text.matchAll(/^export function \w+\(([^)]*)\)/gm)]
          .filter((match) => /(?:^|,\s*)(message|text|sentence)\??\s*:/.test(match[1]))
          .map((match) => match[0]),
      ]).toEqual([path.relative(PROJECT_ROOT, file), []]);
    }
  });

  it('assemble the error codes from the folders, each code made in one folder only', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(60);
    expect(ERROR_CODES.filter((code, index) => ERROR_CODES.indexOf(code) !== index)).toEqual([]);
    const folders = sourceFiles(PROJECT_ROOT)
      .filter((file) => path.basename(file) === 'errors.ts' && folderOf(file) !== 'family-plugins')
      .map((file) => folderOf(file))
      .sort();
    // A family's codes come with its plug-in: exactly those its errors.ts declares.
    for (const family of PLUGINS.families) {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, 'family-plugins', family.id, 'errors.ts'), 'utf8');
      const declared = [...(/_ERROR_CODES = \[([^\]]*)\]/.exec(text)?.[1] ?? '').matchAll(/'([A-Z_]+)'/g)].map((match) => match[1]);
      expect([family.id, [...family.errorCodes]]).toEqual([family.id, declared]);
    }
    const assembled = [...fs.readFileSync(path.join(PROJECT_ROOT, 'cli', 'error-codes.ts'), 'utf8').matchAll(/from '\.\.\/([a-z-]+)\/errors'/g)]
      .map((match) => match[1])
      .sort();
    expect(assembled).toEqual(folders);
  });

  it('give each construct narrow props, checked in its constructor, and a test of its own', () => {
    const read = (file: string): string => fs.readFileSync(path.join(PROJECT_ROOT, 'constructs', file), 'utf8');
    const constructs = fs.readdirSync(path.join(PROJECT_ROOT, 'constructs')).filter((file) => file.endsWith('.ts') && /extends Construct\b/.test(read(file)));
    expect(constructs.length).toBeGreaterThanOrEqual(6);
    for (const file of constructs) {
      const text = read(file);
      expect([file, /readonly env: EnvironmentConfig/.test(text)]).toEqual([file, false]);
      expect([file, /rejectInvalidProps\(this, \w+Problems\(props\)\)/.test(text)]).toEqual([file, true]);
      expect([file, fs.existsSync(path.join(PROJECT_ROOT, '__tests__', 'constructs', file.replace(/\.ts$/, '.test.ts')))]).toEqual([file, true]);
    }
  });

  it('keep use cases out of commands: a command imports no other command, and the use cases import no command', () => {
    const commands = path.join(PROJECT_ROOT, 'cli', 'commands');
    const crossing = sourceFiles(PROJECT_ROOT).flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return [...text.matchAll(/from\s+'(\.[^']+)'/g)]
        .map((match) => resolveImport(file, match[1]))
        .filter(
          (target): target is string =>
            target !== undefined &&
            path.dirname(target) === commands &&
            target !== file &&
            file.startsWith(`${PROJECT_ROOT}${path.sep}`) &&
            !file.endsWith(`${path.sep}cli${path.sep}main.ts`),
        )
        .map((target) => `${path.relative(PROJECT_ROOT, file)} → ${path.relative(PROJECT_ROOT, target)}`);
    });
    expect(crossing).toEqual([]);
    expect([...(graph.get('use-cases')?.keys() ?? [])]).not.toContain('cli');
  });

  it('spell the stack folder in one place (project/paths.ts stackFolder, which honours CDKTF_OUTDIR)', () => {
    const spelled = sourceFiles(PROJECT_ROOT)
      .filter((file) => path.relative(PROJECT_ROOT, file) !== path.join('project', 'paths.ts'))
      .flatMap((file) => (/'stacks',|'cdktf\.out'|CDKTF_OUTDIR'\]/.test(fs.readFileSync(file, 'utf8')) ? [path.relative(PROJECT_ROOT, file)] : []));
    expect(spelled).toEqual([]);
  });

  it('run the deployment rules at the entry points only, once each: never inside a stack or construct', () => {
    const inside = sourceFiles(PROJECT_ROOT)
      .filter((file) => ['stacks', 'constructs'].includes(folderOf(file)))
      .filter((file) => /from '\.\.\/rules(\/index)?'|assertDeployable|checkDeployments/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(PROJECT_ROOT, file));
    expect(inside).toEqual([]);
  });

  it('find their own files from the project root, never from __dirname (the CLI runs bundled from .cli/)', () => {
    const relative = sourceFiles(PROJECT_ROOT)
      .filter((file) => path.relative(PROJECT_ROOT, file) !== path.join('project', 'paths.ts'))
      .filter((file) => /\b__dirname\b/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(PROJECT_ROOT, file));
    expect(relative).toEqual([]);
  });

  it('say what a runtime family is in families/ alone, low in the house, and ask the registry which family a runtime is', () => {
    // families/ reads nothing of the project but project/: everything else may ask it.
    expect([...(graph.get('families')?.keys() ?? [])].filter((folder) => folder !== 'project')).toEqual([]);
    const outside = sourceFiles(PROJECT_ROOT).filter((file) => folderOf(file) !== 'families');
    const guesses = outside
      .filter((file) => /startsWith\('(python|nodejs)/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(PROJECT_ROOT, file));
    expect(guesses).toEqual([]);
    // No family named outside families/ (what each is) and family-plugins/ (how each builds and runs): 90 such
    // literals before the builders' registry, 78 before the plug-ins, none since.
    const literals = outside
      .filter((file) => folderOf(file) !== 'family-plugins')
      .flatMap((file) =>
        (fs.readFileSync(file, 'utf8').match(/'(python|nodejs)'/g) ?? []).map((literal) => `${path.relative(PROJECT_ROOT, file)}: ${literal}`),
      );
    expect(literals).toEqual([]);
  });

  it('hand one project context down from the entry points: nothing below them imports the registry or the project root', () => {
    const ENTRY_POINTS = [path.join('cli', 'main.ts'), 'main.ts'];
    const importers = sourceFiles(PROJECT_ROOT)
      .filter((file) => !ENTRY_POINTS.includes(path.relative(PROJECT_ROOT, file)))
      .filter((file) => /from '[./]*family-plugins\/registry'|\bPROJECT_ROOT\b/.test(fs.readFileSync(file, 'utf8')))
      .filter((file) => path.relative(PROJECT_ROOT, file) !== path.join('project', 'paths.ts'))
      .map((file) => path.relative(PROJECT_ROOT, file));
    expect(importers).toEqual([]);
  });

  it('would see a cycle (so the check above can fail)', () => {
    const looped = new Map([
      ['a', new Map([['b', ['a/x.ts → b/y.ts']]])],
      ['b', new Map([['c', ['b/y.ts → c/z.ts']]])],
      ['c', new Map([['a', ['c/z.ts → a/x.ts']]])],
    ]);
    expect(cyclesIn(looped)).toEqual([['a', 'b', 'c']]);
  });
});

describe('the documentation', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

  it('keeps the README short: the two commands, the incident, trying it, the commands, and where the rest is', () => {
    expect(readme.split('\n').length).toBeLessThan(120);
    expect(readme).toMatch(/^# .+\n\n```sh\nnpm ci && npm start .*\nnpm test .*\n```\n/);
    expect(readme).toContain("No module named 'mangum'");
    expect(readme).toContain('## Commands');
    expect(readme).toContain('## Documentation');
  });

  it('links only to documents and sections that exist, from the README and between the documents', () => {
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
    const anchorsOf = (file: string) => new Set([...fs.readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1])));
    const documents = [
      path.join(PROJECT_ROOT, 'README.md'),
      ...fs.readdirSync(path.join(PROJECT_ROOT, 'docs')).map((file) => path.join(PROJECT_ROOT, 'docs', file)),
    ];
    const broken: string[] = [];
    for (const document of documents) {
      for (const match of fs.readFileSync(document, 'utf8').matchAll(/\]\(([^)#\s]*\.md)?(#[^)\s]+)?\)/g)) {
        const [, file, anchor] = match;
        if (!file && !anchor) continue;
        const target = file ? path.resolve(path.dirname(document), file) : document;
        if (!fs.existsSync(target)) broken.push(`${path.relative(PROJECT_ROOT, document)} → ${file}`);
        else if (anchor && !anchorsOf(target).has(anchor.slice(1))) broken.push(`${path.relative(PROJECT_ROOT, document)} → ${file ?? ''}${anchor}`);
      }
    }
    expect(broken).toEqual([]);
    // Every document is reachable from the README.
    const linked = [...readme.matchAll(/\]\(docs\/([^)#]+)/g)].map((match) => match[1]);
    expect(fs.readdirSync(path.join(PROJECT_ROOT, 'docs')).filter((file) => !linked.includes(file))).toEqual([]);
  });

  it('names, in every message that sends a reader to the documentation, a document that exists and a section it holds', () => {
    const sent = sourceFiles(PROJECT_ROOT).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/docs\/([a-z-]+\.md)(?:, "([^"]+)")?/g)].map((match) => ({
        file: path.relative(PROJECT_ROOT, file),
        doc: match[1],
        section: match[2],
      })),
    );
    expect(sent.length).toBeGreaterThan(5);
    const problems = sent.filter(({ doc, section }) => {
      const target = path.join(PROJECT_ROOT, 'docs', doc);
      return !fs.existsSync(target) || (section !== undefined && !fs.readFileSync(target, 'utf8').includes(`## ${section}`));
    });
    expect(problems).toEqual([]);
  });
});
