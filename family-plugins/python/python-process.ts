import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentArtifacts } from '../../builder/artifact-check';
import { PythonRuntime, pythonFamily, pythonVersionOf } from './definition';
import { pythonRuntimeMissing } from './errors';
import { FunctionProcess, LocalApiOptions, layerTrees, sandboxIdentity } from '../../local-lambda/local-api';
import { locatePythonSdk } from './python-sdk';
import { folderDigest, keptSandbox } from '../../local-lambda/sandbox';
import { findPython, noPythonReason } from './interpreter';

/** Where the Python runtime client (standard library only) is, in this tool's folder. */
export const PYTHON_RUNTIME_CLIENT = 'family-plugins/python/runtime';

export async function pythonProcess(options: LocalApiOptions, artifacts: EnvironmentArtifacts, name: string): Promise<FunctionProcess> {
  const runtime = name as PythonRuntime;
  const { env, log } = options;
  const version = pythonVersionOf(runtime);
  const lookup = options.lookup ?? process.env;
  const python = findPython(version, lookup);
  if (!python) {
    throw pythonRuntimeMissing(version, runtime, noPythonReason(version, lookup));
  }
  const home = options.toolHome ?? options.projectRoot;
  const sdk = await locatePythonSdk(home, process.env, log);
  const sandbox = await keptSandbox(
    { ...env, runtime, family: pythonFamily },
    path.join(options.buildDir, artifacts.bundle.dir),
    layerTrees(options, artifacts),
    {
      identity: sandboxIdentity(artifacts, JSON.stringify(sdk.versions), folderDigest(path.join(home, PYTHON_RUNTIME_CLIENT))),
      runtimePackages: { link: sdk.entries },
      prepare: (plan) => {
        fs.copyFileSync(path.join(home, PYTHON_RUNTIME_CLIENT, 'bootstrap.py'), path.join(plan.runtimeDir, 'bootstrap.py'));
      },
    },
  );
  const bootstrap = path.join(sandbox.runtimeDir, 'bootstrap.py');
  const site = `/var/lang/lib/python${version}/site-packages`;
  const runtimePackages = `boto3 ${sdk.versions['boto3']} (botocore ${sdk.versions['botocore']} and what they need) from ${sdk.site}, linked into ${site}`;
  return {
    sandbox,
    // -I: no PYTHONPATH and no user site; -S: no site-packages of this machine; the client sets Lambda's sys.path.
    command: python.path,
    args: ['-I', '-S', '-B', '-u', bootstrap, ...sandbox.searchPath],
    environment: { PATH: `${path.dirname(python.path)}:/usr/local/bin:/usr/bin:/bin:${path.join(sandbox.optDir, 'bin')}`, PYTHONPATH: sandbox.runtimeDir },
    interpreter: { name: 'Python', version: python.fullVersion, path: python.path },
    runtimePackages,
  };
}
