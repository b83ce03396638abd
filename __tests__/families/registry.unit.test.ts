import { familyRegistry } from '../../families/registry';
import { PLUGINS } from '../../family-plugins/registry';

const FAMILIES = PLUGINS.families;

describe('the runtime families, listed once', () => {
  it('give every runtime the configuration allows to exactly one family, with its default among its runtimes', () => {
    expect(PLUGINS.runtimes).toEqual(FAMILIES.flatMap((family) => family.runtimes));
    for (const runtime of PLUGINS.runtimes) expect(FAMILIES.filter((family) => family.runtimes.includes(runtime))).toHaveLength(1);
    for (const family of FAMILIES) {
      expect(family.runtimes).toContain(family.defaultRuntime);
      expect(PLUGINS.byId(family.id).defaultRuntime).toBe(family.defaultRuntime);
      expect(PLUGINS.byId(family.id)).toMatchObject({ name: family.name, packageFile: family.packageFile });
      for (const runtime of family.runtimes) expect(family.runtimeName.test(runtime)).toBe(true);
    }
    expect(PLUGINS.ofRuntime('python3.13').id).toBe('python');
    expect(PLUGINS.ofRuntime('nodejs22.x').id).toBe('nodejs');
    expect(PLUGINS.ofRuntime('nodejs24.x')).toBe(PLUGINS.byId('nodejs'));
  });

  it('refuse, when assembled, two families that claim one id, runtime or package file, and a runtime no family lists', () => {
    const [nodejs, python] = FAMILIES;
    expect(() => familyRegistry([nodejs, python, { ...python, id: 'python2' }])).toThrow('two runtime families claim the runtime "python3.12"');
    expect(() => familyRegistry([nodejs, { ...nodejs, runtimes: [], packageFile: 'x' }])).toThrow('two runtime families claim the id "nodejs"');
    expect(() => familyRegistry([nodejs, { ...python, packageFile: 'package.json' }])).toThrow('two runtime families claim the package file "package.json"');
    expect(() => PLUGINS.ofRuntime('java21')).toThrow('no runtime family lists java21');
    expect(PLUGINS.find('java')).toBeUndefined();
  });

  it('name the family of a runtime read from a description or state, older ones included, and no family for another language', () => {
    expect(PLUGINS.ofRuntimeName('nodejs20.x')?.id).toBe('nodejs');
    expect(PLUGINS.ofRuntimeName('python3.9')?.id).toBe('python');
    expect(PLUGINS.ofRuntimeName('java21')).toBeUndefined();
    expect(PLUGINS.ofRuntimeName('')).toBeUndefined();
  });

  it("order each family's versions its own way: 1.0-1 is an npm prerelease and a Python post-release", () => {
    expect(Math.sign(PLUGINS.byId('nodejs').compareVersions('1.0-1', '1.0'))).toBe(-1);
    expect(Math.sign(PLUGINS.byId('python').compareVersions('1.0-1', '1.0'))).toBe(1);
    expect(PLUGINS.byId('python').compareVersions('1.0rc1', '1.0')).toBeLessThan(0);
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
