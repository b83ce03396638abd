import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { errorCodesOf } from '../../cli/error-codes';
import { PLUGINS } from '../../family-plugins/registry';
import { PROJECT_ROOT } from '../support/processes';
import { SourceModel, modelOf, projectSourceFiles, readProjectModel, testSourceFiles } from '../support/source-model';
import {
  belowEntryPoints,
  commandCrossings,
  constructProps,
  cyclesIn,
  declaredCodes,
  dirnameUses,
  documentationReferences,
  errorFactories,
  errorsOutsideErrorFiles,
  familyIdFieldNames,
  familyNamesOutsidePlugins,
  folderGraph,
  folderReads,
  importCycles,
  importsOfTests,
  misplacedTests,
  rulesInsideStacks,
  stackFolderSpelled,
  unassembledErrorFolders,
  unitTestsNeedingSetup,
} from '../support/structure-rules';
import { REPO_ROOT } from '../support/test-project';

/**
 * The shape of the source, read as the TypeScript compiler's syntax tree (support/source-model.ts): imports of every
 * kind, literals, names, classes. Each rule (support/structure-rules.ts) runs on the whole project, and on a few lines
 * written to break it, so no rule passes because it cannot see what it looks for.
 */

const ERROR_CODES = errorCodesOf(PLUGINS);
const ENTRY_POINTS = ['cli/main.ts', 'main.ts'];
const FAMILY_IDS = PLUGINS.families.map((family) => family.id);
/** What needs the global setup of `npm test`: the project copy (support/processes.ts) and the setup itself. */
const SETUP_BOUND = ['__tests__/support/processes.ts', '__tests__/support/global-setup.ts'];

/** Whether a folder holds a TypeScript file of its own, at any depth (dot folders included), installed packages aside. */
function holdsTypeScript(dir: string): boolean {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .some((entry) => (entry.isDirectory() ? entry.name !== 'node_modules' && holdsTypeScript(path.join(dir, entry.name)) : entry.name.endsWith('.ts')));
}

describe('the source folders', () => {
  const model = readProjectModel(PROJECT_ROOT);

  it('are read whole: every source file, with imports of every kind', () => {
    expect(model.size).toBeGreaterThan(200);
    const kinds = new Set([...model.values()].flatMap((file) => file.imports.map((ref) => ref.kind)));
    expect(['static', 'type', 'export', 'require'].filter((kind) => !kinds.has(kind as never))).toEqual([]);
  });

  it('import one another without a cycle', () => {
    expect(importCycles(model)).toEqual([]);
  });

  it('keep the layers the design names: rules and constructs read shared types, never the builder or history', () => {
    expect(folderReads(model, 'rules', { refused: ['builder'] })).toEqual([]);
    expect(folderReads(model, 'constructs', { refused: ['history'] })).toEqual([]);
    expect(folderReads(model, 'artifacts', { allowed: ['config', 'families', 'project'] })).toEqual([]);
    expect(folderReads(model, 'project', { allowed: [] })).toEqual([]);
    // The IAM statements and their analysis read the configuration, never the stacks that write them.
    expect(folderReads(model, 'iam', { allowed: ['config', 'project'] })).toEqual([]);
    // Nothing outside the tests, the bench included, reads test support.
    expect(importsOfTests(model)).toEqual([]);
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
    expect(errorsOutsideErrorFiles(model)).toEqual([]);
    expect(errorFactories(model)).toEqual([]);
  });

  it('assemble the error codes from the folders, each code made in one folder only', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(60);
    expect(ERROR_CODES.filter((code, index) => ERROR_CODES.indexOf(code) !== index)).toEqual([]);
    expect(unassembledErrorFolders(model)).toEqual([]);
    // A family's codes come with its plug-in: exactly those its errors.ts declares.
    for (const family of PLUGINS.families) {
      expect([family.id, [...family.errorCodes]]).toEqual([family.id, declaredCodes(model.get(`family-plugins/${family.id}/errors.ts`)!)]);
    }
  });

  it('give each construct narrow props, checked in its constructor, and a test of its own', () => {
    const { constructs, problems } = constructProps(model);
    expect(constructs.length).toBeGreaterThanOrEqual(6);
    expect(problems).toEqual([]);
    const tests = testSourceFiles(PROJECT_ROOT);
    const untested = constructs.filter((file) => !tests.some((test) => test.replace(/(\.unit)?\.test\.ts$/, '.ts') === `__tests__/${file}`));
    expect(untested).toEqual([]);
  });

  it("place each test where a reader finds it from the module's path, and keep the quick suite free of the global setup", () => {
    const tests = testSourceFiles(PROJECT_ROOT).filter((file) => file.endsWith('.test.ts'));
    expect(tests.length).toBeGreaterThan(50);
    const sources = projectSourceFiles(PROJECT_ROOT);
    expect(misplacedTests([...tests, ...sources.filter((file) => file.endsWith('.test.ts'))], sources)).toEqual([]);
    expect(tests.filter((file) => file.endsWith('.unit.test.ts')).length).toBeGreaterThan(20);
    expect(unitTestsNeedingSetup(readProjectModel(PROJECT_ROOT, { tests: true }), SETUP_BOUND)).toEqual([]);
  });

  it('keep use cases out of commands: a command imports no other command (by import, import() or require), and the use cases import no command', () => {
    expect(commandCrossings(model)).toEqual([]);
  });

  it('spell the stack folder in one place (project/paths.ts stackFolder, which honours CDKTF_OUTDIR)', () => {
    expect(stackFolderSpelled(model)).toEqual([]);
  });

  it('run the deployment rules at the entry points only, once each: never inside a stack or construct', () => {
    expect(rulesInsideStacks(model)).toEqual([]);
  });

  it('find their own files from the project root, never from __dirname (the CLI runs bundled from .cli/)', () => {
    expect(dirnameUses(model)).toEqual([]);
  });

  it('say what a runtime family is in families/ alone, low in the house, and name no family outside its plug-in folder', () => {
    // families/ reads nothing of the project but project/: everything else may ask it.
    expect(folderReads(model, 'families', { allowed: ['project'] })).toEqual([]);
    // No family named outside family-plugins/ (how each is, builds and runs), in a literal, a template or a key: 90
    // literals before the builders' registry, 78 before the plug-ins, none since. The bench measures the seed's own
    // layers (its Python and Node.js dependencies) by name, as a user of the project would.
    expect(familyNamesOutsidePlugins(model, FAMILY_IDS, ['family-plugins', 'bench'])).toEqual([]);
  });

  it('name a family id `family` in every type (the settings keep `function`, the name users write in cdktf.json)', () => {
    expect(familyIdFieldNames(model, ['config/environments.ts function'])).toEqual([]);
  });

  it('hand one project context down from the entry points: nothing below them imports the registry or the project root', () => {
    expect(belowEntryPoints(model, ENTRY_POINTS)).toEqual([]);
  });
});

describe('each structure rule can fail', () => {
  const one = (files: Record<string, string>): SourceModel => modelOf(files);

  it('sees a folder cycle, through a require() as well as an import', () => {
    const looped = one({
      'a/x.ts': "import { y } from '../b/y';\nexport const x = y;\n",
      'b/y.ts': "export const y = 1;\nexport const z = (require('../c/z') as typeof import('../c/z')).z;\n",
      'c/z.ts': "export const z = 2;\nexport async function back() { return (await import('../a/x')).x; }\n",
    });
    expect(cyclesIn(folderGraph(looped))).toEqual([['a', 'b', 'c']]);
    expect(importCycles(looped)).toHaveLength(1);
    // Each kind alone closes a cycle: a bare require(), a bare typeof import(), a re-export.
    for (const back of ["export const back = require('../a/x');\n", "export type Back = typeof import('../a/x');\n", "export { x } from '../a/x';\n"]) {
      const alone = one({ 'a/x.ts': "import { z } from '../c/z';\nexport const x = z;\n", 'c/z.ts': `export const z = 2;\n${back}` });
      expect([back, cyclesIn(folderGraph(alone))]).toEqual([back, [['a', 'c']]]);
    }
  });

  it('sees a folder reading one it may not, and source importing test support', () => {
    const files = one({
      'rules/r.ts': "import { b } from '../builder/b';\n",
      'builder/b.ts': "import { s } from '../__tests__/support/s';\nexport const b = s;\n",
    });
    expect(folderReads(files, 'rules', { refused: ['builder'] })).toEqual(['rules/r.ts:1 → builder/b.ts (rules may not read builder)']);
    expect(folderReads(files, 'rules', { allowed: ['config'] })).toEqual(['rules/r.ts:1 → builder/b.ts (rules may not read builder)']);
    expect(folderReads(files, 'rules', { allowed: ['builder'] })).toEqual([]);
    expect(importsOfTests(files)).toEqual(['builder/b.ts:1 imports ../__tests__/support/s (test support)']);
  });

  it('sees a command that loads another by import(), by require() or statically, and a use case importing a command', () => {
    const files = one({
      'cli/commands/a.ts': "export async function a() { return (await import('./b')).b; }\n",
      'cli/commands/b.ts': "export const b = (require('./c') as typeof import('./c')).c;\n",
      'cli/commands/c.ts': "import { lock } from '../../family-plugins/python/commands/lock';\nexport const c = lock;\n",
      'family-plugins/python/commands/lock.ts': 'export const lock = 1;\n',
      'use-cases/u.ts': "import { a } from '../cli/commands/a';\nexport const u = a;\n",
    });
    expect(commandCrossings(files)).toEqual([
      'cli/commands/a.ts:1 dynamic import of cli/commands/b.ts',
      'cli/commands/b.ts:1 require import of cli/commands/c.ts',
      'cli/commands/c.ts:1 static import of family-plugins/python/commands/lock.ts',
      'use-cases/u.ts:1 static import of cli/commands/a.ts',
    ]);
  });

  it('sees a UserError made or subclassed outside an errors.ts, under another name too', () => {
    const files = one({
      'project/errors.ts': 'export class UserError extends Error {}\n',
      'builder/mine.ts': [
        "import { UserError as Failure } from '../project/errors';",
        'export class MineFailed extends Failure {}',
        'const Made = Failure;',
        "export const made = () => new Made('X', 'no');",
      ].join('\n'),
    });
    expect(errorsOutsideErrorFiles(files)).toEqual(['builder/mine.ts:2 class MineFailed extends Failure', 'builder/mine.ts:4 new Made(...)']);
  });

  it('sees an errors.ts making a code it does not declare, a code that is not a literal, or a factory taking the message', () => {
    const files = one({
      'project/errors.ts': 'export class UserError extends Error {}\n',
      'builder/errors.ts': [
        "import { UserError } from '../project/errors';",
        "export const BUILDER_ERROR_CODES = ['KNOWN'] as const;",
        "export const known = () => new UserError('KNOWN', 'fine');",
        "export const unknown = (late: boolean) => new UserError(late ? 'KNOWN' : 'OTHER', 'no');",
        'export const code = String();',
        "export const loose = () => new UserError(code, 'no');",
        "export function passThrough(message: string) { return new UserError('KNOWN', message); }",
      ].join('\n'),
    });
    expect(errorFactories(files)).toEqual([
      'builder/errors.ts:4 makes OTHER, which its *_ERROR_CODES does not declare',
      'builder/errors.ts:6 makes an error whose code is not a literal',
      'builder/errors.ts:7 passThrough takes a message to pass through',
    ]);
    expect(
      unassembledErrorFolders(one({ 'builder/errors.ts': '', 'cli/error-codes.ts': "import { X } from '../rules/errors';\n", 'rules/errors.ts': '' })),
    ).toEqual(['builder/errors.ts is not assembled by cli/error-codes.ts']);
  });

  it('sees a family named in a template literal, a string or a key outside the plug-ins, and not inside them', () => {
    const files = one({
      'builder/a.ts': 'export const dir = (root: string) => `${root}/python/lib`;\n',
      'builder/b.ts': "export const kind = 'nodejs';\nexport const byFamily = { python: 1 };\n",
      'builder/c.ts': "export const fine = 'python3.12 and nodejs24.x are runtimes, not families';\n",
      'builder/e.ts': 'export const plain = `python`;\n',
      'family-plugins/python/d.ts': "export const id = 'python';\n",
    });
    expect(familyNamesOutsidePlugins(files, ['nodejs', 'python'])).toEqual([
      'builder/a.ts:1 template literal "/python/lib"',
      'builder/b.ts:1 literal "nodejs"',
      'builder/b.ts:2 property python',
      'builder/e.ts:1 literal "python"',
    ]);
  });

  it('sees the registry or the project root imported below the entry points, however it is reached', () => {
    const files = one({
      'project/paths.ts': 'export const PROJECT_ROOT = "/";\n',
      'family-plugins/registry.ts': 'export const PLUGINS = [];\n',
      'cli/main.ts': "import { PLUGINS } from '../family-plugins/registry';\nimport { PROJECT_ROOT } from '../project/paths';\n",
      'use-cases/a.ts': "import * as paths from '../project/paths';\nexport const root = paths.PROJECT_ROOT;\n",
      'use-cases/b.ts': "export const plugins = () => (require('../family-plugins/registry') as { PLUGINS: unknown[] }).PLUGINS;\n",
      'use-cases/c.ts': "import { resolveBuildDir } from '../project/paths';\nexport const c = resolveBuildDir;\n",
      'use-cases/d.ts': "import * as paths from '../project/paths';\nconst { PROJECT_ROOT: root } = paths;\nexport const d = root;\n",
      'use-cases/e.ts': "export async function e() { return (await import('../project/paths'))['PROJECT_ROOT']; }\n",
      'family-plugins/nodejs/index.ts': 'export const nodejsPlugin = {};\n',
      'family-plugins/nodejs/build.ts': "import { nodejsPlugin } from './index';\nexport const b = nodejsPlugin;\n",
      'families/registry.ts': 'export function familyRegistry(list: unknown[]) { return list; }\n',
      'constructs/f.ts': [
        "import { nodejsPlugin } from '../family-plugins/nodejs';",
        "import { familyRegistry } from '../families/registry';",
        'export const f = familyRegistry([nodejsPlugin]);',
        'export const none = familyRegistry([]);',
      ].join('\n'),
      'use-cases/context.ts': 'export function projectContext(root: string) { return { again: () => projectContext(root) }; }\n',
      'cli/commands/g.ts': "import { projectContext } from '../../use-cases/context';\nexport const g = projectContext(process.cwd());\n",
    });
    expect(belowEntryPoints(files, ENTRY_POINTS)).toEqual([
      'cli/commands/g.ts:2 calls projectContext(), which only the entry points do',
      'constructs/f.ts:1 static import of the nodejs plug-in (only family-plugins/registry.ts lists plug-ins)',
      'constructs/f.ts:3 calls familyRegistry(), which only the entry points do',
      'use-cases/a.ts:1 imports PROJECT_ROOT',
      'use-cases/b.ts:1 require import of the family registry',
      'use-cases/d.ts:1 imports PROJECT_ROOT',
      'use-cases/e.ts:1 imports PROJECT_ROOT',
    ]);
  });

  it('sees __dirname, the stack folder spelled, and the rules run inside a stack', () => {
    const files = one({
      'builder/a.ts': "import * as path from 'node:path';\nexport const here = path.join(__dirname, 'cdktf.out', 'stacks');\n",
      'use-cases/b.ts': 'export const out = (env: NodeJS.ProcessEnv) => env.CDKTF_OUTDIR;\n',
      'stacks/s.ts': "import { assertDeployable } from '../rules';\nexport const s = () => assertDeployable([]);\n",
      'rules/index.ts': 'export const assertDeployable = (x: unknown[]) => x;\n',
    });
    expect(dirnameUses(files)).toEqual(['builder/a.ts uses __dirname']);
    expect(stackFolderSpelled(files)).toEqual(['builder/a.ts:2 spells "cdktf.out"', "builder/a.ts:2 joins 'stacks'", 'use-cases/b.ts:1 reads CDKTF_OUTDIR']);
    expect(rulesInsideStacks(files)).toEqual(['stacks/s.ts:1 imports the deployment rules', 'stacks/s.ts calls assertDeployable']);
  });

  it('sees a test named for no module, and a quick-suite test that reaches the global setup through its imports', () => {
    const sources = ['builder/elf.ts', 'rules/index.ts'];
    const tests = ['__tests__/builder/elf.unit.test.ts', '__tests__/rules/index.test.ts', '__tests__/whole-project/incident.test.ts'];
    expect(misplacedTests(tests, sources)).toEqual([]);
    expect(
      misplacedTests(
        [
          '__tests__/elf.test.ts',
          '__tests__/builder/elfs.test.ts',
          '__tests__/builder/elf.spec.ts',
          '__tests__/whole-project/a/b.test.ts',
          'builder/elf.test.ts',
        ],
        sources,
      ),
    ).toEqual([
      '__tests__/elf.test.ts names no module: there is no elf.ts (tests through the entry points go in __tests__/whole-project/)',
      '__tests__/builder/elfs.test.ts names no module: there is no builder/elfs.ts (tests through the entry points go in __tests__/whole-project/)',
      '__tests__/builder/elf.spec.ts is not named <module>.test.ts or <module>.unit.test.ts',
      '__tests__/whole-project/a/b.test.ts: whole-project/ has no folders',
      'builder/elf.test.ts is outside __tests__/, where Jest never looks for tests',
    ]);
    const files = one({
      '__tests__/builder/elf.unit.test.ts': "import { crafted } from '../support/crafted';\nimport type { Run } from '../support/processes';\n",
      '__tests__/support/crafted.ts': "export const crafted = (require('./processes') as typeof import('./processes')).run;\n",
      '__tests__/support/processes.ts': 'export const run = 1;\nexport type Run = number;\n',
      '__tests__/rules/index.unit.test.ts': "import type { Run } from '../support/processes';\n",
    });
    expect(unitTestsNeedingSetup(files, ['__tests__/support/processes.ts'])).toEqual([
      '__tests__/builder/elf.unit.test.ts → __tests__/support/crafted.ts → __tests__/support/processes.ts (needs the global setup: name it .test.ts, or import what needs no setup)',
    ]);
  });

  it('sees a family id held under another name', () => {
    const files = one({
      'artifacts/a.ts': [
        'export interface A {',
        '  readonly kind: FamilyId;',
        '  readonly family: FamilyId;',
        '  readonly runtimeFamily?: FamilyId | undefined;',
        '  readonly function: FamilyId;',
        '}',
      ].join('\n'),
    });
    expect(familyIdFieldNames(files, [])).toEqual([
      'artifacts/a.ts:2 kind: FamilyId (call it family)',
      'artifacts/a.ts:4 runtimeFamily: FamilyId (call it family)',
      'artifacts/a.ts:5 function: FamilyId (call it family)',
    ]);
    expect(familyIdFieldNames(files, ['artifacts/a.ts function', 'artifacts/a.ts kind', 'artifacts/a.ts runtimeFamily'])).toEqual([]);
  });

  it('sees a construct that holds a whole environment or does not check its props first', () => {
    const files = one({
      'constructs/c.ts': [
        'export interface CProps { readonly env: EnvironmentConfig }',
        'export class C extends Construct {',
        '  constructor(scope: Construct, id: string, props: CProps) {',
        '    super(scope, id);',
        '  }',
        '}',
      ].join('\n'),
    });
    expect(constructProps(files)).toEqual({
      constructs: ['constructs/c.ts'],
      problems: [
        'constructs/c.ts: C does not start with rejectInvalidProps(this, ...Problems(props))',
        'constructs/c.ts:1 props hold a whole EnvironmentConfig',
      ],
    });
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
    const sent = documentationReferences(readProjectModel(PROJECT_ROOT));
    expect(sent.length).toBeGreaterThan(5);
    const problems = sent.filter(({ doc, section }) => {
      const target = path.join(PROJECT_ROOT, 'docs', doc);
      return !fs.existsSync(target) || (section !== undefined && !fs.readFileSync(target, 'utf8').includes(`## ${section}`));
    });
    expect(problems).toEqual([]);
  });
});
