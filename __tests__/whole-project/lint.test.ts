import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/processes';
import { REPO_ROOT } from '../support/test-project';

/**
 * The linter `npm test` runs (npm run lint): the project's own eslint.config.mjs, type-aware, on a small project of
 * its own, so the test shows the configuration refuses what it should without linting the whole tree twice.
 */
describe('the linter and the formatter', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-'));
  beforeAll(() => {
    fs.copyFileSync(path.join(PROJECT_ROOT, 'eslint.config.mjs'), path.join(dir, 'eslint.config.mjs'));
    fs.copyFileSync(path.join(PROJECT_ROOT, '.prettierrc.json'), path.join(dir, '.prettierrc.json'));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', target: 'es2022', noEmit: true }, include: ['src'] }),
    );
    fs.mkdirSync(path.join(dir, 'src'));
    fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lint = (file: string, text: string) => {
    fs.writeFileSync(path.join(dir, 'src', file), text);
    return spawnSync(process.execPath, [path.join(dir, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings', '0', `src/${file}`], {
      cwd: dir,
      encoding: 'utf8',
    });
  };

  it('is type-aware: an unawaited promise and a member of an untyped value are errors', () => {
    const result = lint(
      'bad.ts',
      'export async function later(): Promise<number> {\n  return 1;\n}\nexport function use(value: string): unknown {\n  later();\n  return (JSON.parse(value) as any).field;\n}\n',
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('@typescript-eslint/no-floating-promises');
    expect(result.stdout).toContain('@typescript-eslint/no-unsafe-member-access');
  });

  it('passes clean code, and refuses a disable comment that no longer disables anything', () => {
    expect(lint('good.ts', 'export function twice(value: number): number {\n  return value * 2;\n}\n').status).toBe(0);
    const stale = lint('stale.ts', '// eslint-disable-next-line no-control-regex -- nothing here needs it\nexport const x = 1;\n');
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain('Unused eslint-disable directive');
  });

  it("formats with the project's Prettier settings, and says when a file is not formatted", () => {
    fs.writeFileSync(path.join(dir, 'src', 'format.ts'), 'export const a = {b:1}\n');
    const prettier = path.join(dir, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
    const check = spawnSync(process.execPath, [prettier, '--check', 'src/format.ts'], { cwd: dir, encoding: 'utf8' });
    expect(check.status).toBe(1);
    const written = spawnSync(process.execPath, [prettier, '--write', 'src/format.ts'], { cwd: dir, encoding: 'utf8' });
    expect(written.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'src', 'format.ts'), 'utf8')).toBe('export const a = { b: 1 };\n');
  });

  it('finds a reason written beside every disable comment in the sources', () => {
    // The repository's own files (the copy the other tests run in has build folders coming and going).
    const files = spawnSync('git', ['ls-files', '*.ts', '*.js', '*.mjs', '*.cjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(files.status).toBe(0);
    const sources = files.stdout.trim().split('\n');
    expect(sources.length).toBeGreaterThan(100);
    const bare = sources.flatMap((file) =>
      fs
        .readFileSync(path.join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .map((line, index) => ({ line, at: `${file}:${index + 1}` }))
        .filter(({ line }) => /(?:\/\/|\/\*)\s*eslint-disable/.test(line) && !/eslint-disable(?:-next-line|-line)?\s+\S+(?:,\s*\S+)*\s+--\s+\S/.test(line))
        .map(({ at }) => at),
    );
    expect(bare).toEqual([]);
  });
});
