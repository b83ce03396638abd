import { PLUGINS } from '../../../family-plugins/registry';
import { AMAZON_LINUX_2023 } from '../../../families/platform';
import { chooseWheel, parseWheelName, supportedTagSet, supportedTags } from '../../../family-plugins/python/wheel-tags';
import { manylinuxTags, uvPythonPlatform } from '../../../family-plugins/python/platform';

const AL2023 = AMAZON_LINUX_2023;
const x86 = { pythonVersion: '3.12', architecture: 'x86_64' as const, platform: AL2023 };
const arm = { pythonVersion: '3.12', architecture: 'arm64' as const, platform: AL2023 };

const wheel = (filename: string) => ({ filename, sha256: filename.length.toString(16).padStart(64, '0') });

describe("Lambda's platform as wheel tags", () => {
  it('is Amazon Linux 2023 with glibc 2.34 for every runtime, newest manylinux first, with the legacy names, and no plain linux tag', () => {
    for (const platform of PLUGINS.runtimes.map((runtime) => PLUGINS.ofRuntime(runtime).platform(runtime)))
      expect(platform).toEqual({ os: 'Amazon Linux 2023', glibc: [2, 34], glibcxx: [3, 4, 29], cxxabi: [1, 3, 13], libgcc: [11, 0] });
    const tags = manylinuxTags('x86_64', AL2023);
    expect(tags.slice(0, 3)).toEqual(['manylinux_2_34_x86_64', 'manylinux_2_33_x86_64', 'manylinux_2_32_x86_64']);
    expect(tags.slice(tags.indexOf('manylinux_2_17_x86_64'), tags.indexOf('manylinux_2_17_x86_64') + 2)).toEqual([
      'manylinux_2_17_x86_64',
      'manylinux2014_x86_64',
    ]);
    expect(tags.slice(-2)).toEqual(['manylinux_2_5_x86_64', 'manylinux1_x86_64']);
    expect(tags.some((tag) => tag.startsWith('linux_'))).toBe(false);
    // aarch64 wheels start at manylinux2014 (glibc 2.17).
    expect(manylinuxTags('arm64', AL2023).slice(-2)).toEqual(['manylinux_2_17_aarch64', 'manylinux2014_aarch64']);
    expect(uvPythonPlatform('arm64', AL2023)).toBe('aarch64-manylinux_2_34');
  });

  it('orders CPython 3.12 tags as packaging does: own ABI, abi3 of this and older versions, none, then pure Python', () => {
    const tags = supportedTags(x86);
    expect(tags[0]).toBe('cp312-cp312-manylinux_2_34_x86_64');
    const index = (tag: string) => tags.indexOf(tag);
    expect(index('cp312-cp312-manylinux1_x86_64')).toBeLessThan(index('cp312-abi3-manylinux_2_34_x86_64'));
    expect(index('cp312-none-manylinux1_x86_64')).toBeLessThan(index('cp311-abi3-manylinux_2_34_x86_64'));
    expect(index('cp311-abi3-manylinux1_x86_64')).toBeLessThan(index('cp39-abi3-manylinux_2_34_x86_64'));
    expect(index('cp32-abi3-manylinux1_x86_64')).toBeLessThan(index('py312-none-manylinux_2_34_x86_64'));
    expect(tags.slice(tags.indexOf('cp312-none-any'), tags.indexOf('cp312-none-any') + 4)).toEqual([
      'cp312-none-any',
      'py312-none-any',
      'py3-none-any',
      'py311-none-any',
    ]);
    expect(tags.slice(-2)).toEqual(['py31-none-any', 'py30-none-any']);
    expect(index('py3-none-any')).toBeLessThan(index('py30-none-any'));
    expect(tags).not.toContain('cp313-cp313-manylinux_2_34_x86_64');
    expect(tags).not.toContain('cp312-cp312-manylinux_2_35_x86_64');
  });

  it('reads a wheel name with compressed tag sets and a build number', () => {
    expect(parseWheelName('cffi-2.1.1-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl')).toEqual({
      distribution: 'cffi',
      version: '2.1.1',
      tags: ['cp312-cp312-manylinux2014_x86_64', 'cp312-cp312-manylinux_2_17_x86_64'],
    });
    expect(parseWheelName('six-1.17.0-py2.py3-none-any.whl')?.tags).toEqual(['py2-none-any', 'py3-none-any']);
    expect(parseWheelName('pkg-1.0-1build-py3-none-any.whl')).toMatchObject({ build: '1build' });
    expect(parseWheelName('pkg-1.0.tar.gz')).toBeUndefined();
  });
});

describe('the wheel a locked target takes', () => {
  it('prefers the newest glibc the platform has, and abi3 of the newest older Python (as cryptography ships)', () => {
    const files = [
      'cryptography-50.0.2-cp311-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl',
      'cryptography-50.0.2-cp311-abi3-manylinux_2_28_x86_64.whl',
      'cryptography-50.0.2-cp311-abi3-manylinux_2_34_x86_64.whl',
      'cryptography-50.0.2-cp39-abi3-manylinux_2_34_x86_64.whl',
      'cryptography-50.0.2-cp311-abi3-manylinux_2_34_aarch64.whl',
      'cryptography-50.0.2-cp311-abi3-macosx_10_9_universal2.whl',
    ].map(wheel);
    expect(chooseWheel(files, x86)?.filename).toBe('cryptography-50.0.2-cp311-abi3-manylinux_2_34_x86_64.whl');
    expect(chooseWheel(files, arm)?.filename).toBe('cryptography-50.0.2-cp311-abi3-manylinux_2_34_aarch64.whl');
  });

  it('takes the wheel of its own CPython over abi3 and pure Python, and none for another Python or a newer glibc', () => {
    const files = ['pkg-1.0-py3-none-any.whl', 'pkg-1.0-cp38-abi3-manylinux2014_x86_64.whl', 'pkg-1.0-cp312-cp312-manylinux2014_x86_64.whl'].map(wheel);
    expect(chooseWheel(files, x86)?.filename).toBe('pkg-1.0-cp312-cp312-manylinux2014_x86_64.whl');
    expect(chooseWheel(files.slice(0, 1), x86)?.filename).toBe('pkg-1.0-py3-none-any.whl');
    expect(chooseWheel(['pkg-1.0-cp313-cp313-manylinux2014_x86_64.whl'].map(wheel), x86)).toBeUndefined();
    // glibc 2.35 wheels do not load on Amazon Linux 2023; plain linux wheels promise nothing.
    expect(chooseWheel(['pkg-1.0-cp312-cp312-manylinux_2_35_x86_64.whl', 'pkg-1.0-cp312-cp312-linux_x86_64.whl'].map(wheel), x86)).toBeUndefined();
  });
});

describe('the supported tags as a set, made once per target', () => {
  it('is the list of that very target, whichever target asked first', () => {
    const py313 = { ...x86, pythonVersion: '3.13' };
    for (const target of [x86, arm, py313, x86]) expect([...supportedTagSet(target)]).toEqual(supportedTags(target));
    expect(supportedTagSet(x86)).toBe(supportedTagSet({ ...x86 }));
  });
});
