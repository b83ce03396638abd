import { InstalledPackage, LayerArtifact, NativeObject } from '../artifacts/manifest';
import { EnvironmentConfig } from '../config/environments';
import { ELF_MACHINE, OS_LIBRARIES } from '../config/lambda-platform';
import { LambdaPlatform } from '../families/platform';
import { Finding, FunctionDeployment, Rule, RuleFamily } from './deployment';

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

/** A version such as 2.34 or 3.4.29 compared part by part. */
export function compareParts(a: readonly number[], b: readonly number[]): number {
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
  /** The family of the layer's packages, or of the bundle. */
  readonly family: string;
  readonly layer?: string;
  readonly packages: readonly InstalledPackage[];
}

function packageOf(where: Where, object: NativeObject): InstalledPackage | undefined {
  return where.packages.find((candidate) => candidate.path === object.owner);
}

function packageText(where: Where, object: NativeObject): string {
  const pkg = packageOf(where, object);
  return pkg ? ` (${pkg.name} ${pkg.version})` : '';
}

/** What to do about a compiled file built for another target, for a family that says nothing of its own. */
function genericFix(pkg: string | undefined, env: EnvironmentConfig): string {
  return `Install ${pkg ?? 'the package'} for the function's platform (Linux on ${env.architecture}), or choose one that ships a build for it.`;
}

/** The problems with one shared object on the environment: each a sentence of what is wrong. */
function objectProblems(
  object: NativeObject,
  env: EnvironmentConfig,
  available: ReadonlySet<string>,
  family: RuleFamily,
): { errors: string[]; warnings: string[] } {
  const platform = family.platform(env.runtime);
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
  const runtimeLibraries = family.nativeCode?.runtimeLibraries?.(env.runtime) ?? [];
  for (const library of object.needed ?? []) {
    if (available.has(library) || OS_LIBRARIES.certain.includes(library)) continue;
    if (OS_LIBRARIES.likely.includes(library) || runtimeLibraries.includes(library)) {
      warnings.push(`needs ${library}, which ${platform.os}'s Lambda images have been seen to ship but AWS does not promise for ${env.runtime}`);
    } else {
      errors.push(
        `needs ${library}, which neither the layers, the bundle nor ${platform.os}'s Lambda image provides (bundle it beside the object, as auditwheel does for wheels)`,
      );
    }
  }
  errors.push(...(family.nativeCode?.objectProblems?.(object, env) ?? []));
  return { errors, warnings };
}

/** Every shared object the function would load, and every wheel's tags, must fit the environment's Lambda. */
export function nativeCodeLoads(deployment: FunctionDeployment): Finding[] {
  const { env, layers, bundle } = deployment;
  const places: { where: Where; objects: readonly NativeObject[] }[] = [
    ...layers.map((layer: LayerArtifact) => ({
      where: { place: `layer ${layer.name}`, family: layer.family, layer: layer.name, packages: layer.packages },
      objects: layer.nativeObjects ?? [],
    })),
    { where: { place: "the function's bundle", family: deployment.family.id, packages: [] }, objects: bundle.nativeObjects ?? [] },
  ];
  // What the loader may find in the layers and the bundle themselves (auditwheel's .libs, a vendored library).
  const available = new Set(
    places.flatMap(({ objects }) => objects.flatMap((object) => [object.path.split('/').pop()!, ...(object.soname ? [object.soname] : [])])),
  );
  const packageCheck = deployment.family.nativeCode?.packageCheck?.(env);
  const findings: Finding[] = [];
  for (const { where, objects } of places) {
    // The family of what holds it: a layer of another family is wrong already (layer-matches-function), its advice is its own.
    const holder = deployment.families.find(where.family) ?? deployment.family;
    const fix = (pkg: string | undefined): string => holder.nativeCode?.fix(pkg, where.layer, env) ?? genericFix(pkg, env);
    for (const object of objects) {
      if (holder.nativeCode?.loads && !holder.nativeCode.loads(object.path, env.architecture)) continue;
      const { errors, warnings } = objectProblems(object, env, available, deployment.family);
      const subject = `${env.stackName}: ${where.place} holds ${object.path}${packageText(where, object)}, which`;
      if (errors.length)
        findings.push({ rule: RULE, severity: 'error', message: `${subject} ${errors.join('; and ')}. ${fix(packageOf(where, object)?.name)}` });
      for (const warning of warnings) findings.push({ rule: RULE, severity: 'warning', message: `${subject} ${warning}.` });
    }
    for (const pkg of packageCheck ? where.packages : []) {
      const { errors, warnings } = packageCheck!(pkg, objects);
      const subject = `${env.stackName}: ${where.place} holds ${pkg.name} ${pkg.version}, and`;
      if (errors.length)
        findings.push({
          rule: RULE,
          severity: 'error',
          message: `${subject} ${errors.join('; ')}. ${fix(pkg.name)}`,
        });
      for (const warning of warnings) findings.push({ rule: RULE, severity: 'warning', message: `${subject} ${warning}.` });
    }
  }
  return findings;
}

/** The rule, as the registry (rules/index.ts) knows it: every shared object loads on the environment's Lambda. */
export const nativeCodeLoadsRule: Rule = { id: RULE, severity: 'error', lambda: 'accepts it, then fails every invocation', check: nativeCodeLoads };
