import { InstalledPackage, NativeObject } from '../../artifacts/manifest';
import { EnvironmentConfig } from '../../config/environments';
import { PythonRuntime, pythonFamily, pythonVersionOf } from './definition';
import { pythonMachineOf, uvPythonPlatform } from './platform';
import { FamilyNativeCode } from '../../rules/deployment';
import { asPythonPackage } from './python-package';
import { compareParts } from '../../rules/native-code';
import { expandTags, supportedTagSet } from './wheel-tags';

/** An extension module named for another CPython or machine is not even found by import. */
function extensionProblems(object: NativeObject, env: EnvironmentConfig): string[] {
  const python = pythonVersionOf(env.runtime as PythonRuntime);
  const extension = /\.cpython-(\d)(\d+)(?:-([a-z0-9_]+)-linux-gnu)?\.so$/.exec(object.path);
  if (extension && `${extension[1]}.${extension[2]}` !== python) {
    return [
      `is an extension module for CPython ${extension[1]}.${extension[2]} (its name says cpython-${extension[1]}${extension[2]}), and the function runs Python ${python}: it would not even be found by import`,
    ];
  }
  if (extension?.[3] && extension[3] !== pythonMachineOf(env.architecture)) {
    return [
      `is named for ${extension[3]}, and Python on ${env.architecture} looks for ${pythonMachineOf(env.architecture)}-linux-gnu extensions: it would not be found by import`,
    ];
  }
  return [];
}

/** A Python distribution's WHEEL tags against the target: a wheel for another platform, or a pure-Python tag on compiled code. */
function wheelProblems(
  pkg: InstalledPackage,
  objects: readonly NativeObject[],
  env: EnvironmentConfig,
  supported: ReadonlySet<string>,
): { errors: string[]; warnings: string[] } {
  // A WHEEL file's Tag line may hold a compressed tag set, as maturin writes them.
  const tags = (asPythonPackage(pkg).wheelTags ?? []).flatMap(expandTags);
  if (tags.length === 0) return { errors: [], warnings: [] };
  const python = pythonVersionOf(env.runtime as PythonRuntime);
  const platform = pythonFamily.platform(env.runtime as PythonRuntime);
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

/** Python in the native-code rule: libpython, extension module names, wheel tags, and how uv or pip install for Lambda. */
export const PYTHON_NATIVE_CODE: FamilyNativeCode = {
  runtimeLibraries: (runtime) => [`libpython${pythonVersionOf(runtime as PythonRuntime)}.so.1.0`],
  objectProblems: extensionProblems,
  packageCheck: (env) => {
    const supported = supportedTagSet({
      pythonVersion: pythonVersionOf(env.runtime as PythonRuntime),
      architecture: env.architecture,
      platform: pythonFamily.platform(env.runtime as PythonRuntime),
    });
    return (pkg, objects) => wheelProblems(pkg, objects, env, supported);
  },
  fix: (pkg, layer, env) => {
    const platform = uvPythonPlatform(env.architecture, pythonFamily.platform(env.runtime as PythonRuntime));
    const how = layer ? `npm run layers:lock -- ${layer} and npm run build install wheels for ${platform}` : `build it for ${platform}`;
    const name = pkg ?? 'the package';
    return `Install ${name} for the function's platform (${how}; with pip by hand: --platform manylinux2014_${pythonMachineOf(env.architecture)} --only-binary=:all:), or pin a version of ${name} that ships a wheel for it.`;
  },
};
