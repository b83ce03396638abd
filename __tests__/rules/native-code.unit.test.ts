import { AMAZON_LINUX_2023 } from '../../families/platform';
import { NativeObject } from '../../artifacts/manifest';
import { PythonPackage } from '../../family-plugins/python/python-package';
import { Architecture, Runtime } from '../../config/environments';
import { loadConfig } from '../../config/load-config';
import { FunctionDeployment } from '../../rules/deployment';
import { nativeCodeLoads, versionsTooNew } from '../../rules/native-code';
import { loadedOnLinux } from '../../family-plugins/nodejs/native-code';
import { bundleArtifact, layerArtifact, pythonLayerArtifact, deploymentFor } from '../support/artifacts';
import { TerraformPlan, renderPlanSummary, summarisePlan } from '../../review/plan-summary';
import { PLUGINS } from '../../family-plugins/registry';

/**
 * The native-code rule, pure: each kind of shared object that will not load on the environment's Lambda,
 * with a passing case beside it.
 */

const PYDANTIC_CORE: PythonPackage = {
  name: 'pydantic_core',
  version: '2.23.2',
  path: 'python/pydantic_core-2.23.2.dist-info',
  direct: false,
  modules: ['pydantic_core'],
  wheelTags: ['cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64'],
};

function elf(path: string, overrides: Partial<NativeObject> = {}): NativeObject {
  return {
    path,
    owner: PYDANTIC_CORE.path,
    format: 'elf',
    class: 64,
    endian: 'little',
    machine: 62,
    needed: ['libgcc_s.so.1', 'libm.so.6', 'libc.so.6'],
    versions: { 'libc.so.6': ['GLIBC_2.14', 'GLIBC_2.2.5'], 'libgcc_s.so.1': ['GCC_3.0', 'GCC_4.2.0'] },
    ...overrides,
  };
}

const EXTENSION = 'python/pydantic_core/_pydantic_core.cpython-312-x86_64-linux-gnu.so';

function python(objects: NativeObject[], options: { architecture?: Architecture; runtime?: Runtime; packages?: PythonPackage[] } = {}): FunctionDeployment {
  const config = loadConfig({
    families: PLUGINS,
    context: { defaults: { function: 'python', runtime: options.runtime ?? 'python3.12', architecture: options.architecture ?? 'x86_64' } },
    env: {},
    availableLayers: { dependencies: ['python'] },
  });
  const env = config.environments[0];
  const layer = pythonLayerArtifact('dependencies', env.runtime.slice('python'.length), env.architecture, {
    packages: options.packages ?? [PYDANTIC_CORE],
    nativeObjects: objects,
  });
  return deploymentFor({ env, layers: [layer], managed: [], bundle: bundleArtifact(env.runtime) });
}

const messages = (deployment: FunctionDeployment, severity: 'error' | 'warning' = 'error') =>
  nativeCodeLoads(deployment)
    .filter((finding) => finding.severity === severity)
    .map((finding) => finding.message);

describe('the native-code rule', () => {
  it('passes a real-looking manylinux extension for the environment, with its libraries from the OS', () => {
    expect(nativeCodeLoads(python([elf(EXTENSION)]))).toEqual([]);
  });

  it('refuses a shared object for another machine, naming the environment, the file, the distribution, what it is and the fix', () => {
    const [message] = messages(python([elf(EXTENSION)], { architecture: 'arm64', packages: [{ ...PYDANTIC_CORE, wheelTags: ['py3-none-any'] }] }));
    expect(message).toBe(
      `api-dev: layer dependencies holds ${EXTENSION} (pydantic_core 2.23.2), which is compiled for x86_64 (EM_X86_64), and the function runs on arm64, which needs aarch64 (EM_AARCH64); ` +
        'and is named for x86_64, and Python on arm64 looks for aarch64-linux-gnu extensions: it would not be found by import. ' +
        "Install pydantic_core for the function's platform (npm run layers:lock -- dependencies and npm run build install wheels for aarch64-manylinux_2_34; " +
        'with pip by hand: --platform manylinux2014_aarch64 --only-binary=:all:), or pin a version of pydantic_core that ships a wheel for it.',
    );
  });

  it('refuses symbol versions newer than Amazon Linux 2023 has: glibc past 2.34, libstdc++ past GCC 11', () => {
    const [message] = messages(
      python([
        elf(EXTENSION, {
          versions: { 'libc.so.6': ['GLIBC_2.17', 'GLIBC_2.38'], 'libstdc++.so.6': ['GLIBCXX_3.4.30', 'CXXABI_1.3.13'] },
          needed: ['libc.so.6', 'libstdc++.so.6'],
        }),
      ]),
    );
    expect(message).toContain(
      'which needs GLIBC_2.38 (from libc.so.6), GLIBCXX_3.4.30 (from libstdc++.so.6), newer than Amazon Linux 2023 has (glibc 2.34, libstdc++ up to GLIBCXX_3.4.29)',
    );
    const platform = AMAZON_LINUX_2023;
    expect(
      versionsTooNew(
        { versions: { 'libc.so.6': ['GLIBC_2.34', 'GLIBC_PRIVATE'], 'libgcc_s.so.1': ['GCC_11.0'], 'libstdc++.so.6': ['GLIBCXX_3.4.29', 'CXXABI_1.3.13'] } },
        platform,
      ),
    ).toEqual([]);
    expect(
      versionsTooNew({ versions: { 'libgcc_s.so.1': ['GCC_12.0.0'], 'libstdc++.so.6': ['CXXABI_1.3.14'] } }, platform).map((entry) => entry.needed),
    ).toEqual(['GCC_12.0.0 (from libgcc_s.so.1)', 'CXXABI_1.3.14 (from libstdc++.so.6)']);
  });

  it('refuses an extension for another CPython, and takes abi3 and plain libraries by name', () => {
    const wrong = 'python/fast/_speedups.cpython-313-x86_64-linux-gnu.so';
    expect(messages(python([elf(wrong)]))[0]).toContain(
      `holds ${wrong} (pydantic_core 2.23.2), which is an extension module for CPython 3.13 (its name says cpython-313), and the function runs Python 3.12`,
    );
    expect(nativeCodeLoads(python([elf('python/cryptography/hazmat/bindings/_rust.abi3.so'), elf('python/pkg.libs/libffi-1a2b.so.8.1.2')]))).toEqual([]);
  });

  it('refuses a file named as a shared object that is not a Linux ELF, or an ELF of another class or byte order, or a damaged one', () => {
    const found = messages(
      python([
        { path: 'python/mac/_native.so', format: 'mach-o', magic: 'cf fa ed fe' },
        { path: 'python/win/_native.so', format: 'pe', magic: '4d 5a 90 00' },
        { path: 'python/odd/_native.so', format: 'unknown', magic: '21 3c 61 72' },
        elf('python/old/_native.so', { class: 32, machine: 3 }),
        elf('python/be/_native.so', { endian: 'big' }),
        elf('python/bad/_native.so', { problem: 'its headers cannot be read (60000 program headers of 56 bytes)' }),
      ]),
    );
    expect(found.map((message) => message.slice(message.indexOf(', which ') + ', which '.length).replace(/\. Install .*$/, ''))).toEqual([
      'is a Mach-O file (built for macOS), and Lambda loads only ELF shared objects for Linux',
      'is a PE file (built for Windows), and Lambda loads only ELF shared objects for Linux',
      'is not an ELF file (it starts 21 3c 61 72), and Lambda loads only ELF shared objects for Linux',
      'is a 32-bit little-endian ELF, and Lambda loads 64-bit little-endian ones; and is compiled for i386 (EM_386), and the function runs on x86_64, which needs x86_64 (EM_X86_64)',
      'is a 64-bit big-endian ELF, and Lambda loads 64-bit little-endian ones',
      'is an ELF file whose headers cannot be read (its headers cannot be read (60000 program headers of 56 bytes)), so the loader would refuse it',
    ]);
  });

  it('refuses a needed library nothing provides, warns of one the image is only seen to ship, and finds one the layers hold', () => {
    const deployment = python([
      elf(EXTENSION, { needed: ['libc.so.6', 'libcairo.so.2', 'libz.so.1', 'libffi-1a2b.so.8.1.2'] }),
      elf('python/pydantic_core.libs/libffi-1a2b.so.8.1.2', { needed: ['libc.so.6'] }),
    ]);
    expect(messages(deployment)[0]).toContain("which needs libcairo.so.2, which neither the layers, the bundle nor Amazon Linux 2023's Lambda image provides");
    expect(messages(deployment, 'warning')).toEqual([
      `api-dev: layer dependencies holds ${EXTENSION} (pydantic_core 2.23.2), which needs libz.so.1, which Amazon Linux 2023's Lambda images have been seen to ship but AWS does not promise for python3.12.`,
    ]);
  });

  it("judges each wheel's tags: a platform wheel for another target, one for a newer glibc, and a pure-Python tag on compiled code", () => {
    const tagged = (tags: string[]) => python([elf(EXTENSION)], { packages: [{ ...PYDANTIC_CORE, wheelTags: tags }] });
    expect(messages(tagged(['cp312-cp312-manylinux_2_17_aarch64']))[0]).toContain(
      "holds pydantic_core 2.23.2, and its wheel is tagged cp312-cp312-manylinux_2_17_aarch64: a wheel Lambda's CPython 3.12 on x86_64 does not take",
    );
    expect(messages(tagged(['cp312-cp312-manylinux_2_39_x86_64']))[0]).toContain(
      "its wheel is tagged cp312-cp312-manylinux_2_39_x86_64: built for glibc 2.39, newer than Amazon Linux 2023's 2.34",
    );
    expect(messages(tagged(['cp312-cp312-macosx_11_0_arm64']))[0]).toContain("a wheel Lambda's CPython 3.12 on x86_64 does not take");
    expect(messages(tagged(['py3-none-any']), 'warning')).toEqual([
      `api-dev: layer dependencies holds pydantic_core 2.23.2, and its wheel is tagged py3-none-any (pure Python, any platform) and carries compiled code (${EXTENSION}): the tag does not say where it loads.`,
    ]);
    // A compressed tag set, as maturin writes it on one Tag line.
    expect(nativeCodeLoads(tagged(['cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64']))).toEqual([]);
  });

  it('judges a Node.js addon against the architecture, and skips the prebuilds of other platforms a package carries beside its own', () => {
    const config = loadConfig({ families: PLUGINS, context: { defaults: { architecture: 'arm64' } }, env: {}, availableLayers: { dependencies: ['nodejs'] } });
    const env = config.environments[0];
    const addon = (path: string, machine: number, format: NativeObject['format'] = 'elf'): NativeObject =>
      format === 'elf'
        ? { path, owner: 'nodejs/node_modules/bcrypt', format, class: 64, endian: 'little', machine, needed: ['libc.so.6', 'libstdc++.so.6'], versions: {} }
        : { path, owner: 'nodejs/node_modules/bcrypt', format, magic: 'cf fa ed fe' };
    const layer = layerArtifact('dependencies', 'arm64', 'a'.repeat(64), {
      packages: [{ name: 'bcrypt', version: '5.1.1', path: 'nodejs/node_modules/bcrypt', direct: true }],
      nativeObjects: [
        addon('nodejs/node_modules/bcrypt/prebuilds/darwin-arm64/bcrypt.node', 0, 'mach-o'),
        addon('nodejs/node_modules/bcrypt/prebuilds/linux-x64/bcrypt.glibc.node', 62),
        addon('nodejs/node_modules/bcrypt/prebuilds/linux-arm64/bcrypt.glibc.node', 183),
        addon('nodejs/node_modules/bcrypt/build/Release/bcrypt_lib.node', 62),
      ],
    });
    const findings = nativeCodeLoads(deploymentFor({ env, layers: [layer], managed: [], bundle: bundleArtifact(env.runtime) }));
    expect(findings.map((finding) => finding.message)).toEqual([
      'api-dev: layer dependencies holds nodejs/node_modules/bcrypt/build/Release/bcrypt_lib.node (bcrypt 5.1.1), which is compiled for x86_64 (EM_X86_64), and the function runs on arm64, which needs aarch64 (EM_AARCH64). ' +
        "Install bcrypt for the function's platform: npm ci --os=linux --cpu=arm64 (npm run build does), or choose a package that ships a Linux arm64 build.",
    ]);
    expect([
      loadedOnLinux('x/prebuilds/linux-arm64/a.node', 'arm64'),
      loadedOnLinux('x/prebuilds/linux-x64/a.node', 'arm64'),
      loadedOnLinux('x/prebuilds/win32-x64/a.node', 'x86_64'),
    ]).toEqual([true, false, false]);
  });

  it("judges the function's bundle too", () => {
    const deployment = python([]);
    const bundle = { ...deployment.bundle, nativeObjects: [elf('vendored/_fast.cpython-312-aarch64-linux-gnu.so', { owner: undefined, machine: 183 })] };
    expect(nativeCodeLoads({ ...deployment, bundle }).map((finding) => finding.message)[0]).toMatch(
      /^api-dev: the function's bundle holds vendored\/_fast\.cpython-312-aarch64-linux-gnu\.so, which is compiled for aarch64 \(EM_AARCH64\), and the function runs on x86_64/,
    );
  });

  it("puts native code that would not load in the plan review's caution box when the plan changes the function, and what may not in its notes", () => {
    const plan = {
      resource_changes: [
        {
          address: 'aws_lambda_function.api',
          mode: 'managed',
          type: 'aws_lambda_function',
          name: 'api',
          change: {
            actions: ['update'],
            before: { function_name: 'multicloud-auto-deploy-dev-api' },
            after: { function_name: 'multicloud-auto-deploy-dev-api' },
          },
        },
      ],
    } as unknown as TerraformPlan;
    const native = nativeCodeLoads(python([elf(EXTENSION, { machine: 183, needed: ['libc.so.6', 'libz.so.1'] })])).map((finding) => ({
      severity: finding.severity,
      message: finding.message,
    }));
    const summary = summarisePlan(plan, { families: PLUGINS, native });
    expect(summary.cautions).toEqual([
      expect.stringMatching(
        /^\*\*native code that would not load\*\*: api-dev: layer dependencies holds .*compiled for aarch64 \(EM_AARCH64\), and the function runs on x86_64/,
      ),
    ]);
    expect(summary.notes).toEqual([expect.stringMatching(/^native code that may not load: .*needs libz\.so\.1/)]);
    expect(renderPlanSummary('api-dev', summary)).toContain('> - **native code that would not load**: api-dev: layer dependencies holds');
    expect(summarisePlan({ resource_changes: [] } as unknown as TerraformPlan, { families: PLUGINS, native }).cautions).toEqual([]);
  });
});
