import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WheelSpec } from './fixture-wheels';
import { makeTempDir } from './processes';
import { MAKE_WHEEL } from '../../package-fixtures/wheels';

const SOURCES = path.join(__dirname, '..', 'fixtures', 'stand-ins');

/** A distribution of the seed's requirements: its real name, version, Requires-Dist and top-level modules. */
interface StandIn {
  readonly name: string;
  readonly version: string;
  readonly modules: readonly string[];
  readonly requires?: readonly string[];
  readonly extras?: readonly string[];
  /** Built for each architecture, as the real one is. */
  readonly native?: boolean;
  /** Modules that are one file (typing_extensions.py), not a package. */
  readonly singleFile?: boolean;
  /**
   * Lambda's Python runtime ships it too (boto3 needs it), and a layer's copy shadows the runtime's, so
   * its stand-in must work: it is this machine's installed copy (files and version) where there is one.
   */
  readonly real?: boolean;
}

/**
 * The distributions pip installs for layers/*\/requirements.txt, with their real
 * names, versions and dependency declarations (markers included); fastapi,
 * starlette and mangum carry the small implementations in fixtures/stand-ins.
 */
export const STAND_INS: readonly StandIn[] = [
  { name: 'typing_extensions', version: '4.12.2', modules: ['typing_extensions'], singleFile: true },
  { name: 'fastapi', version: '0.115.0', modules: ['fastapi'], requires: ['starlette<0.39.0,>=0.37.2', 'pydantic!=1.8,!=1.8.1,!=2.0.0,!=2.0.1,!=2.1.0,<3.0.0,>=1.7.4', 'typing-extensions>=4.8.0'] },
  { name: 'starlette', version: '0.38.6', modules: ['starlette'], requires: ['anyio<5,>=3.4.0', 'typing-extensions>=3.10.0; python_version < "3.10"'] },
  { name: 'anyio', version: '4.6.0', modules: ['anyio'], requires: ['idna>=2.8', 'sniffio>=1.1', 'exceptiongroup>=1.0.2; python_version < "3.11"', 'typing-extensions>=4.1; python_version < "3.11"'] },
  { name: 'idna', version: '3.10', modules: ['idna'] },
  { name: 'sniffio', version: '1.3.1', modules: ['sniffio'] },
  {
    name: 'pydantic',
    version: '2.9.0',
    modules: ['pydantic'],
    requires: [
      'annotated-types>=0.4.0',
      'pydantic-core==2.23.2',
      'typing-extensions>=4.6.1; python_version < "3.13"',
      'typing-extensions>=4.12.2; python_version >= "3.13"',
      'tzdata; python_version >= "3.9" and sys_platform == "win32"',
      'email-validator>=2.0.0; extra == "email"',
    ],
    extras: ['email'],
  },
  { name: 'pydantic_core', version: '2.23.2', modules: ['pydantic_core'], requires: ['typing-extensions!=4.7.0,>=4.6.0'], native: true },
  { name: 'annotated-types', version: '0.7.0', modules: ['annotated_types'] },
  { name: 'pydantic-settings', version: '2.5.2', modules: ['pydantic_settings'], requires: ['pydantic>=2.7.0', 'python-dotenv>=0.21.0'] },
  { name: 'python-dotenv', version: '1.0.1', modules: ['dotenv'] },
  { name: 'mangum', version: '0.17.0', modules: ['mangum'], requires: ['typing-extensions'] },
  { name: 'python-jose', version: '3.3.0', modules: ['jose'], requires: ['ecdsa!=0.15', 'rsa', 'pyasn1', 'cryptography>=3.4.0; extra == "cryptography"'], extras: ['cryptography'] },
  { name: 'ecdsa', version: '0.19.0', modules: ['ecdsa'], requires: ['six>=1.9.0'] },
  { name: 'six', version: '1.16.0', modules: ['six'], singleFile: true, real: true },
  { name: 'rsa', version: '4.9', modules: ['rsa'], requires: ['pyasn1>=0.1.3'] },
  { name: 'pyasn1', version: '0.6.1', modules: ['pyasn1'] },
  { name: 'cryptography', version: '43.0.1', modules: ['cryptography'], requires: ['cffi>=1.12; platform_python_implementation != "PyPy"'], native: true },
  { name: 'cffi', version: '1.17.1', modules: ['cffi', '_cffi_backend'], requires: ['pycparser'], native: true },
  { name: 'pycparser', version: '2.22', modules: ['pycparser'] },
  { name: 'PyJWT', version: '2.9.0', modules: ['jwt'] },
  { name: 'requests', version: '2.32.3', modules: ['requests'], requires: ['charset-normalizer<4,>=2', 'idna<4,>=2.5', 'urllib3<3,>=1.21.1', 'certifi>=2017.4.17'] },
  { name: 'charset-normalizer', version: '3.3.2', modules: ['charset_normalizer'], native: true },
  { name: 'urllib3', version: '2.2.3', modules: ['urllib3'], real: true },
  { name: 'certifi', version: '2024.8.30', modules: ['certifi'] },
  { name: 'python-multipart', version: '0.0.9', modules: ['multipart'] },
];

const READ_INSTALLED = `
import importlib.metadata as m, json, os, sys
dist = m.distribution(sys.argv[1])
files = {}
for file in dist.files or []:
    name = str(file)
    if name.endswith(".py") and not name.startswith("..") and ".dist-info/" not in name and "__pycache__" not in name:
        with open(dist.locate_file(file), encoding="utf-8") as handle:
            files[name] = handle.read()
print(json.dumps({"version": dist.version, "files": files}))
`;

/** This machine's installed copy of a pure-Python distribution: its version and its .py files. */
function installedCopy(name: string): { version: string; files: Record<string, string> } | undefined {
  const found = spawnSync('python3', ['-c', READ_INSTALLED, name], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return found.status === 0 ? (JSON.parse(found.stdout) as { version: string; files: Record<string, string> }) : undefined;
}

function filesOf(standIn: StandIn, arch?: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const module of standIn.modules) {
    const own = path.join(SOURCES, module);
    if (fs.existsSync(own)) {
      for (const file of fs.readdirSync(own)) files[`${module}/${file}`] = fs.readFileSync(path.join(own, file), 'utf8');
      if (!files[`${module}/__init__.py`]) files[`${module}/__init__.py`] = '';
      continue;
    }
    const text = `"""Stand-in for ${standIn.name} ${standIn.version}${arch ? ` (${arch})` : ''}."""\n__version__ = "${standIn.version}"\n`;
    if (module === '_cffi_backend') files[`_cffi_backend.cpython-312-${arch}-linux-gnu.so`] = `stand-in compiled for ${arch}`;
    else files[standIn.singleFile ? `${module}.py` : `${module}/__init__.py`] = text;
  }
  return files;
}

/** Writes every stand-in wheel (native ones for both architectures) into a new folder, in one Python process. */
export function makeStandInWheels(): string {
  const dir = makeTempDir('stand-in-wheels');
  const specs: WheelSpec[] = STAND_INS.flatMap((standIn) => {
    const installed = standIn.real ? installedCopy(standIn.name) : undefined;
    const base = { name: standIn.name, version: installed?.version ?? standIn.version, requires: standIn.requires ?? [], extras: standIn.extras ?? [], topLevel: standIn.modules };
    if (installed) return [{ ...base, files: installed.files }];
    if (!standIn.native) return [{ ...base, files: filesOf(standIn) }];
    return ['x86_64', 'aarch64'].map((arch) => ({ ...base, tag: `cp312-cp312-manylinux2014_${arch}`, files: filesOf(standIn, arch) }));
  });
  const result = spawnSync('python3', [MAKE_WHEEL, dir, '-'], {
    input: JSON.stringify(specs.map((spec) => ({ ...spec, top_level: spec.topLevel }))),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`make_wheel failed: ${result.stderr}`);
  return dir;
}
