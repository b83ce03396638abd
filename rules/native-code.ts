import { InstalledPackage, LayerArtifact, NativeObject } from '../artifacts/manifest';
import { Architecture, EnvironmentConfig, PythonRuntime, pythonVersionOf, runtimeFamilyOf } from '../config/environments';
import { ELF_MACHINE, LAMBDA_PLATFORMS, LambdaPlatform, OS_LIBRARIES, pythonMachineOf, uvPythonPlatform } from '../config/lambda-platform';
import { Finding, FunctionDeployment, Rule } from './deployment';
import { expandTags, supportedTags } from './wheel-tags';

/**
 * Native code that will not load where the function runs: every shared object of every attached layer
 * and of the bundle (read at build time, kept in the manifest), against the environment's architecture,
 * runtime and the operating system under it (config/lambda-platform.ts). Import coverage proves a module
 * is there; this proves its compiled part can load. Pure.
 */

const RULE = 'native-code';

/** Names people know machines by, for messages. */
const MACHINE_NAMES: Readonly<Record<number, string>> = {
  3: 'i386 (EM_386)',
  8: 'MIPS (EM_MIPS)',
  20: 'PowerPC (EM_PPC)',
  21: 'PowerPC 64 (EM_PPC64)',
  22: 's390x (EM_S390)',
  40: '32-bit ARM (EM_ARM)',
  62: 'x86_64 (EM_X86_64)',
  183: 'aarch64 (EM_AARCH64)',
  243: 'RISC-V (EM_RISCV)',
};

function machineName(machine: number | undefined): string {
  return machine === undefined ? 'an unknown machine' : (MACHINE_NAMES[machine] ?? `machine ${machine}`);
}

/** Node's names for Lambda's architectures, as prebuilds/<platform>-<arch>/ folders use them. */
const NODE_ARCH: Readonly<Record<Architecture, string>> = { x86_64: 'x64', arm64: 'arm64' };

/**
 * A Node.js addon that ships for several platforms in one package (node-gyp-build's `prebuilds/<platform>-<arch>/`)
 * is loaded only from the folder of the platform it runs on: the others are not the function's to load.
 */
export function loadedOnLinux(path: string, architecture: Architecture): boolean {
  const prebuild = /(?:^|\/)prebuilds\/([a-z0-9]+)-([a-z0-9]+)(?:[-+][^/]*)?\//.exec(path);
  return !prebuild || (prebuild[1] === 'linux' && prebuild[2] === NODE_ARCH[architecture]);
}

/** A version such as 2.34 or 3.4.29 compared part by part. */
function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

const parts = (text: string): number[] => text.split('.').map((part) => Number.parseInt(part, 10) || 0);

/** The newest symbol versions the platform's libraries define, by prefix: GLIBC_ (glibc), GLIBCXX_ and CXXABI_ (libstdc++), GCC_ (libgcc_s), and how to say so. */
function newestDefined(platform: LambdaPlatform): Readonly<Record<string, { readonly newest: readonly number[]; readonly has: string }>> {
  return {
    GLIBC_: { newest: platform.glibc, has: `glibc ${platform.glibc.join('.')}` },
    GLIBCXX_: { newest: platform.glibcxx, has: `libstdc++ up to GLIBCXX_${platform.glibcxx.join('.')}` },
    CXXABI_: { newest: platform.cxxabi, has: `libstdc++ up to CXXABI_${platform.cxxabi.join('.')}` },
    GCC_: { newest: platform.libgcc, has: `libgcc_s up to GCC_${platform.libgcc.join('.')}` },
  };
}

/** Symbol versions an object needs that are newer than the platform defines: "GLIBC_2.38 (from libc.so.6)", and what the platform has. */
export function versionsTooNew(object: Pick<NativeObject, 'versions'>, platform: LambdaPlatform): { needed: string; has: string }[] {
  const limits = newestDefined(platform);
  const found: { needed: string; has: string }[] = [];
  for (const [library, names] of Object.entries(object.versions ?? {})) {
    for (const name of names) {
      const prefix = Object.keys(limits).find((candidate) => name.startsWith(candidate) && /^\d/.test(name.slice(candidate.length)));
      if (!prefix) continue;
      const limit = limits[prefix];
      if (compareParts(parts(name.slice(prefix.length)), limit.newest) > 0) found.push({ needed: `${name} (from ${library})`, has: limit.has });
    }
  }
  return found;
}

interface Where {
  /** "layer dependencies" or "the function's bundle". */
  readonly place: string;
  /** The layer's kind, or the bundle's. */
  readonly kind: 'nodejs' | 'python';
  readonly layer?: string;
  readonly packages: readonly InstalledPackage[];
}

function packageText(where: Where, object: NativeObject): string {
  const pkg = where.packages.find((candidate) => candidate.path === object.owner);
  return pkg ? ` (${pkg.name} ${pkg.version})` : '';
}

/** What to do about a compiled file built for another target, in the words of the tool that installs it. */
function fixFor(where: Where, object: NativeObject, env: EnvironmentConfig): string {
  const pkg = where.packages.find((candidate) => candidate.path === object.owner);
  if (where.kind === 'python') {
    const platform = uvPythonPlatform(env.architecture, LAMBDA_PLATFORMS[env.runtime]);
    const layer = where.layer ? `npm run layers:lock -- ${where.layer} and npm run build install wheels for ${platform}` : `build it for ${platform}`;
    const name = pkg ? pkg.name : 'the package';
    return `Install ${name} for the function's platform (${layer}; with pip by hand: --platform manylinux2014_${pythonMachineOf(env.architecture)} --only-binary=:all:), or pin a version of ${name} that ships a wheel for it.`;
  }
  return `Install ${pkg ? pkg.name : 'the package'} for the function's platform: npm ci --os=linux --cpu=${NODE_ARCH[env.architecture]} (npm run build does), or choose a package that ships a Linux ${NODE_ARCH[env.architecture]} build.`;
}

/** The problems with one shared object on the environment: each a sentence of what is wrong. */
function objectProblems(object: NativeObject, env: EnvironmentConfig, available: ReadonlySet<string>): { errors: string[]; warnings: string[] } {
  const platform = LAMBDA_PLATFORMS[env.runtime];
  const errors: string[] = [];
  const warnings: string[] = [];
  if (object.format !== 'elf') {
    const what =
      object.format === 'mach-o'
        ? 'a Mach-O file (built for macOS)'
        : object.format === 'pe'
          ? 'a PE file (built for Windows)'
          : `not an ELF file (it starts ${object.magic ?? 'with nothing'})`;
    errors.push(`is ${what}, and Lambda loads only ELF shared objects for Linux`);
    return { errors, warnings };
  }
  if (object.problem) {
    errors.push(`is an ELF file whose headers cannot be read (${object.problem}), so the loader would refuse it`);
    return { errors, warnings };
  }
  if (object.class !== 64 || object.endian !== 'little') {
    errors.push(`is a ${object.class}-bit ${object.endian}-endian ELF, and Lambda loads 64-bit little-endian ones`);
  }
  if (object.machine !== ELF_MACHINE[env.architecture]) {
    errors.push(
      `is compiled for ${machineName(object.machine)}, and the function runs on ${env.architecture}, which needs ${machineName(ELF_MACHINE[env.architecture])}`,
    );
  }
  const tooNew = versionsTooNew(object, platform);
  if (tooNew.length) {
    errors.push(
      `needs ${tooNew.map((entry) => entry.needed).join(', ')}, newer than ${platform.os} has (${[...new Set(tooNew.map((entry) => entry.has))].join(', ')})`,
    );
  }
  const python = runtimeFamilyOf(env.runtime) === 'python' ? pythonVersionOf(env.runtime as PythonRuntime) : undefined;
  const libpython = python ? `libpython${python}.so.1.0` : undefined;
  for (const library of object.needed ?? []) {
    if (available.has(library) || OS_LIBRARIES.certain.includes(library)) continue;
    if (OS_LIBRARIES.likely.includes(library) || library === libpython) {
      warnings.push(`needs ${library}, which ${platform.os}'s Lambda images have been seen to ship but AWS does not promise for ${env.runtime}`);
    } else {
      errors.push(
        `needs ${library}, which neither the layers, the bundle nor ${platform.os}'s Lambda image provides (bundle it beside the object, as auditwheel does for wheels)`,
      );
    }
  }
  if (python) {
    const extension = /\.cpython-(\d)(\d+)(?:-([a-z0-9_]+)-linux-gnu)?\.so$/.exec(object.path);
    if (extension && `${extension[1]}.${extension[2]}` !== python) {
      errors.push(
        `is an extension module for CPython ${extension[1]}.${extension[2]} (its name says cpython-${extension[1]}${extension[2]}), and the function runs Python ${python}: it would not even be found by import`,
      );
    } else if (extension?.[3] && extension[3] !== pythonMachineOf(env.architecture)) {
      errors.push(
        `is named for ${extension[3]}, and Python on ${env.architecture} looks for ${pythonMachineOf(env.architecture)}-linux-gnu extensions: it would not be found by import`,
      );
    }
  }
  return { errors, warnings };
}

/** A Python distribution's WHEEL tags against the target: a wheel for another platform, or a pure-Python tag on compiled code. */
function wheelProblems(
  pkg: InstalledPackage,
  objects: readonly NativeObject[],
  env: EnvironmentConfig,
  supported: ReadonlySet<string>,
): { errors: string[]; warnings: string[] } {
  // A WHEEL file's Tag line may hold a compressed tag set, as maturin writes them.
  const tags = (pkg.wheelTags ?? []).flatMap(expandTags);
  if (tags.length === 0 || runtimeFamilyOf(env.runtime) !== 'python') return { errors: [], warnings: [] };
  const python = pythonVersionOf(env.runtime as PythonRuntime);
  const platform = LAMBDA_PLATFORMS[env.runtime];
  const pure = tags.every((tag) => tag.endsWith('-none-any'));
  const owned = objects.filter((object) => object.owner === pkg.path && object.format === 'elf');
  if (tags.some((tag) => supported.has(tag))) {
    if (pure && owned.length) {
      return {
        errors: [],
        warnings: [
          `its wheel is tagged ${tags.join('.')} (pure Python, any platform) and carries compiled code (${owned.map((object) => object.path).join(', ')}): the tag does not say where it loads`,
        ],
      };
    }
    return { errors: [], warnings: [] };
  }
  const glibc = tags.map((tag) => /manylinux_(\d+)_(\d+)_/.exec(tag)).filter((match): match is RegExpExecArray => match !== null);
  const newer = glibc.filter((match) => compareParts([Number(match[1]), Number(match[2])], platform.glibc) > 0);
  const why =
    newer.length === glibc.length && newer.length > 0
      ? `built for glibc ${newer[0][1]}.${newer[0][2]}, newer than ${platform.os}'s ${platform.glibc.join('.')}`
      : `a wheel Lambda's CPython ${python} on ${env.architecture} does not take`;
  return { errors: [`its wheel is tagged ${tags.join(', ')}: ${why}`], warnings: [] };
}

/** Every shared object the function would load, and every wheel's tags, must fit the environment's Lambda. */
export function nativeCodeLoads(deployment: FunctionDeployment): Finding[] {
  const { env, layers, bundle } = deployment;
  const family = runtimeFamilyOf(env.runtime);
  const places: { where: Where; objects: readonly NativeObject[] }[] = [
    ...layers.map((layer: LayerArtifact) => ({
      where: { place: `layer ${layer.name}`, kind: layer.kind, layer: layer.name, packages: layer.packages },
      objects: layer.nativeObjects ?? [],
    })),
    { where: { place: "the function's bundle", kind: family, packages: [] }, objects: bundle.nativeObjects ?? [] },
  ];
  // What the loader may find in the layers and the bundle themselves (auditwheel's .libs, a vendored library).
  const available = new Set(
    places.flatMap(({ objects }) => objects.flatMap((object) => [object.path.split('/').pop()!, ...(object.soname ? [object.soname] : [])])),
  );
  const supported: ReadonlySet<string> =
    family === 'python'
      ? new Set(
          supportedTags({
            pythonVersion: pythonVersionOf(env.runtime as PythonRuntime),
            architecture: env.architecture,
            platform: LAMBDA_PLATFORMS[env.runtime],
          }),
        )
      : new Set();
  const findings: Finding[] = [];
  for (const { where, objects } of places) {
    for (const object of objects) {
      if (where.kind === 'nodejs' && !loadedOnLinux(object.path, env.architecture)) continue;
      const { errors, warnings } = objectProblems(object, env, available);
      const subject = `${env.stackName}: ${where.place} holds ${object.path}${packageText(where, object)}, which`;
      if (errors.length) findings.push({ rule: RULE, severity: 'error', message: `${subject} ${errors.join('; and ')}. ${fixFor(where, object, env)}` });
      for (const warning of warnings) findings.push({ rule: RULE, severity: 'warning', message: `${subject} ${warning}.` });
    }
    for (const pkg of where.packages) {
      const { errors, warnings } = wheelProblems(pkg, objects, env, supported);
      const subject = `${env.stackName}: ${where.place} holds ${pkg.name} ${pkg.version}, and`;
      if (errors.length)
        findings.push({
          rule: RULE,
          severity: 'error',
          message: `${subject} ${errors.join('; ')}. ${fixFor(where, { path: pkg.path, owner: pkg.path, format: 'elf' }, env)}`,
        });
      for (const warning of warnings) findings.push({ rule: RULE, severity: 'warning', message: `${subject} ${warning}.` });
    }
  }
  return findings;
}

/** The rule, as the registry (rules/index.ts) knows it: every shared object loads on the environment's Lambda. */
export const nativeCodeLoadsRule: Rule = { id: RULE, severity: 'error', lambda: 'accepts it, then fails every invocation', check: nativeCodeLoads };
