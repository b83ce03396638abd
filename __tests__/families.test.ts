import { DEFAULT_RUNTIME, RUNTIMES, RUNTIME_FAMILIES, runtimeFamilyOf } from '../config/environments';
import { FAMILIES, familyById, familyOfRuntime, familyOfRuntimeName } from '../families/registry';
import { compareVersions } from '../review/versions';
import { FAMILY_BUILDERS, builderFor } from '../builder/family-builders';

describe('the runtime families, listed once', () => {
  it('give every runtime the configuration allows to exactly one family, with its default among its runtimes', () => {
    expect(RUNTIMES).toEqual(FAMILIES.flatMap((family) => family.runtimes));
    for (const runtime of RUNTIMES) expect(FAMILIES.filter((family) => (family.runtimes as readonly string[]).includes(runtime))).toHaveLength(1);
    for (const family of FAMILIES) {
      expect(family.runtimes).toContain(family.defaultRuntime);
      expect(DEFAULT_RUNTIME[family.id]).toBe(family.defaultRuntime);
      expect(RUNTIME_FAMILIES[family.id]).toEqual({ name: family.name, packageFile: family.packageFile });
      for (const runtime of family.runtimes) expect(family.runtimeName.test(runtime)).toBe(true);
    }
    expect(runtimeFamilyOf('python3.13')).toBe('python');
    expect(runtimeFamilyOf('nodejs22.x')).toBe('nodejs');
    expect(familyOfRuntime('nodejs24.x')).toBe(familyById('nodejs'));
  });

  it('name the family of a runtime read from a description or state, older ones included, and no family for another language', () => {
    expect(familyOfRuntimeName('nodejs20.x')?.id).toBe('nodejs');
    expect(familyOfRuntimeName('python3.9')?.id).toBe('python');
    expect(familyOfRuntimeName('java21')).toBeUndefined();
    expect(familyOfRuntimeName('')).toBeUndefined();
  });

  it("order each family's versions its own way: 1.0-1 is an npm prerelease and a Python post-release", () => {
    expect(compareVersions('1.0-1', '1.0', 'nodejs')).toBe(-1);
    expect(compareVersions('1.0-1', '1.0', 'python')).toBe(1);
    expect(familyById('python').compareVersions('1.0rc1', '1.0')).toBeLessThan(0);
  });
});

describe('the builders of the families', () => {
  it('has one builder for every family, and the build asks it (no family is built by a branch on its name)', () => {
    expect(Object.keys(FAMILY_BUILDERS).sort()).toEqual(FAMILIES.map((family) => family.id).sort());
    for (const family of FAMILIES) expect(builderFor(family.id).family).toBe(family.id);
  });
});
