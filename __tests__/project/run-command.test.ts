import { runCommand } from '../../project/run-command';

/** The one way the tools run a program: its exit code and output, and what happened when it had none. */
describe('running a program', () => {
  it('gives its exit code, its stdout, and its output in the order written', async () => {
    const result = await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3'], { env: process.env });
    expect(result).toMatchObject({ code: 3, stdout: 'out\n', missing: false });
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
  });

  it('says a program ended by a signal was, since it leaves no exit code and often no output', async () => {
    const result = await runCommand('sh', ['-c', 'kill -TERM $$'], { env: process.env });
    expect(result).toMatchObject({ code: 1, output: '(ended by signal SIGTERM)', missing: false });
    // What it wrote before stays, and the signal is said after it, in the output only.
    const partial = await runCommand('sh', ['-c', 'echo partial; kill -TERM $$'], { env: process.env });
    expect(partial).toMatchObject({ code: 1, stdout: 'partial\n', output: 'partial\n(ended by signal SIGTERM)' });
  });

  it('says a program that is not there is missing', async () => {
    const result = await runCommand('no-such-program-here', [], { env: process.env });
    expect(result).toMatchObject({ code: 127, missing: true });
  });
});
