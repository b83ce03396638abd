import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { runBuild } from '../../builder/build';
import { loadProjectConfig } from '../../config/config-sources';
import { readPin, removePin } from '../../history/pins';
import { UserError } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { Command } from '../command';
import { environmentForStack } from './stacks';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Build, then cdktf deploy one stack (a rollback pin is applied, then removed)',
  usage: 'npm run deploy -- <stack> [--auto-approve]',
  help: `Builds what the environments deploy, then runs \`cdktf deploy <stack>\`, which
synthesises, shows the plan and asks before applying (unless --auto-approve). If
the stack is pinned by \`npm run rollback\`, the plan is the rollback; once the
apply succeeds the pin is removed, so the next deploy deploys the current build.
Needs AWS credentials and the state bucket (see README, Deploying a stack).

Options:
  --auto-approve  apply without asking
  --no-color      no colour (NO_COLOR is honoured too)
  -h, --help      this help`,
  options: { 'auto-approve': { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals, { env, err }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const stack = environmentForStack(config, positionals[0], 'deploy').stackName;
    const buildDir = resolveBuildDir(undefined, env);
    await runBuild({ projectRoot: PROJECT_ROOT, buildDir, config, progress: err, env, onlyUsed: true });
    const pin = readPin(buildDir, stack);
    if (pin) err.line(`${stack} is pinned to serial ${pin.serial}: this deploy rolls it back.`);
    const cli = path.join(PROJECT_ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'deploy', stack, ...(values['auto-approve'] ? ['--auto-approve'] : [])], {
        cwd: PROJECT_ROOT,
        env: { ...env, BUILD_DIR: buildDir, CHECKPOINT_DISABLE: env['CHECKPOINT_DISABLE'] ?? '1' },
        stdio: 'inherit',
      });
      child.on('error', reject);
      child.on('close', (exit) => resolve(exit ?? 1));
    });
    if (code !== 0) throw new UserError('DEPLOY_FAILED', `cdktf deploy ${stack} failed (exit ${code}); see above.${pin ? ' The rollback pin stays.' : ''}`);
    if (pin && removePin(buildDir, stack)) err.line(`Rolled back to serial ${pin.serial}; the pin is removed, so the next deploy deploys the current build.`);
    return 0;
  },
};
