import { BUILT_IN_FAMILIES, FAMILIES, familyById, familyOfRuntimeName, familyRegistry } from '../families/registry';
import { compareVersions } from '../review/versions';
import { PLUGINS } from '../family-plugins/registry';

describe('the runtime families, listed once', () => {
  it('give every runtime the configuration allows to exactly one family, with its default among its runtimes', () => {
    expect(BUILT_IN_FAMILIES.runtimes).toEqual(FAMILIES.flatMap((family) => family.runtimes));
    for (const runtime of BUILT_IN_FAMILIES.runtimes)
      expect(FAMILIES.filter((family) => (family.runtimes as readonly string[]).includes(runtime))).toHaveLength(1);
    for (const family of FAMILIES) {
      expect(family.runtimes).toContain(family.defaultRuntime);
      expect(BUILT_IN_FAMILIES.byId(family.id).defaultRuntime).toBe(family.defaultRuntime);
      expect(BUILT_IN_FAMILIES.byId(family.id)).toMatchObject({ name: family.name, packageFile: family.packageFile });
      for (const runtime of family.runtimes) expect(family.runtimeName.test(runtime)).toBe(true);
    }
    expect(BUILT_IN_FAMILIES.ofRuntime('python3.13').id).toBe('python');
    expect(BUILT_IN_FAMILIES.ofRuntime('nodejs22.x').id).toBe('nodejs');
    expect(BUILT_IN_FAMILIES.ofRuntime('nodejs24.x')).toBe(familyById('nodejs'));
  });

  it('refuse, when assembled, two families that claim one id, runtime or package file, and a runtime no family lists', () => {
    const [nodejs, python] = FAMILIES;
    expect(() => familyRegistry([nodejs, python, { ...python, id: 'python2' }])).toThrow('two runtime families claim the runtime "python3.12"');
    expect(() => familyRegistry([nodejs, { ...nodejs, runtimes: [], packageFile: 'x' }])).toThrow('two runtime families claim the id "nodejs"');
    expect(() => familyRegistry([nodejs, { ...python, packageFile: 'package.json' }])).toThrow('two runtime families claim the package file "package.json"');
    expect(() => BUILT_IN_FAMILIES.ofRuntime('java21')).toThrow('no runtime family lists java21');
    expect(BUILT_IN_FAMILIES.find('java')).toBeUndefined();
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
  it('has one plug-in for every family, assembled once, each what its family is plus how it builds and runs', () => {
    expect(PLUGINS.ids).toEqual(FAMILIES.map((family) => family.id));
    for (const family of FAMILIES) {
      const plugin = PLUGINS.byId(family.id);
      expect({ ...plugin, runtimeName: String(plugin.runtimeName) }).toMatchObject({ ...family, runtimeName: String(family.runtimeName) });
      for (const step of ['readSource', 'inputFiles', 'buildLayer', 'functionCode', 'buildWarnings', 'localProcess'] as const)
        expect(typeof plugin[step]).toBe('function');
    }
  });
});
