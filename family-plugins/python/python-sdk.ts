import { PYTHON_RUNTIME_DISTRIBUTIONS } from './runtime-modules';
import { runCommand } from '../../project/run-command';
import { ensurePythonToolchain } from './toolchain';

/** The AWS SDK for Python of the project's toolchain, standing in for the one Lambda's Python runtimes ship. */
export interface PythonSdkStandIn {
  /** The interpreter whose site-packages holds it. */
  readonly python: string;
  /** boto3's version, and each distribution's. */
  readonly versions: Readonly<Record<string, string>>;
  /** The folder it was found in (for the banner). */
  readonly site: string;
  /** Absolute paths of every top-level module and dist-info folder of the distributions, to link into the sandbox. */
  readonly entries: readonly string[];
}

/** Lists, for each distribution, its version and the top-level paths it installed (modules and its dist-info). */
const LOCATE = `
import importlib.metadata as metadata, json, os, sys
found = {"entries": [], "versions": {}, "site": ""}
for name in json.loads(sys.argv[1]):
    dist = metadata.distribution(name)
    found["versions"][name] = dist.version
    tops = sorted({str(file).split("/")[0] for file in (dist.files or []) if not str(file).startswith("..")})
    for top in tops:
        if top.endswith((".pth", "__pycache__")) or top == "bin":
            continue
        path = os.path.normpath(str(dist.locate_file(top)))
        if os.path.exists(path):
            found["entries"].append(path)
            found["site"] = os.path.dirname(path)
print(json.dumps(found))
`;

/**
 * boto3 and what it needs, pinned in the project's toolchain (pure Python, so one copy serves every
 * runtime version): the local run links them into the sandbox's /var/lang/lib/pythonX.Y/site-packages,
 * after the layers on sys.path, as Lambda ships them. Installs the toolchain first when it is missing.
 */
export async function locatePythonSdk(projectRoot: string, env: NodeJS.ProcessEnv, progress?: (line: string) => void): Promise<PythonSdkStandIn> {
  const { python } = await ensurePythonToolchain({ env, projectRoot, ...(progress ? { progress } : {}) });
  const names = PYTHON_RUNTIME_DISTRIBUTIONS.map((dist) => dist.name);
  const probe = await runCommand(python, ['-c', LOCATE, JSON.stringify(names)], { env: { PATH: env['PATH'] ?? '/usr/bin:/bin' } });
  if (probe.code !== 0) throw new Error(`reading boto3 from the toolchain (${python}) failed: ${probe.output}`);
  const found = JSON.parse(probe.stdout) as { entries: string[]; versions: Record<string, string>; site: string };
  return { python, versions: found.versions, site: found.site, entries: found.entries };
}
