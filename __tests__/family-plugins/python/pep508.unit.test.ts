import {
  compareVersions,
  evaluateMarker,
  lambdaMarkerEnvironment,
  parseMarker,
  parseRequirement,
  requirementApplies,
  satisfies,
} from '../../../family-plugins/python/pep508';

const py312 = lambdaMarkerEnvironment('3.12', 'x86_64');

describe('requirements as METADATA writes them', () => {
  it('reads name, extras, specifier and marker', () => {
    const requirement = parseRequirement('Cryptography[ssh, pem] (>=3.4.0,<44) ; extra == "cryptography"');
    expect(requirement).toMatchObject({ name: 'Cryptography', key: 'cryptography', extras: ['ssh', 'pem'], specifier: '>=3.4.0,<44' });
    expect(requirement.marker).toBeDefined();
    expect(parseRequirement('typing_extensions').key).toBe('typing-extensions');
    expect(parseRequirement('pkg @ https://example.com/pkg.whl ; python_version >= "3.8"')).toMatchObject({ key: 'pkg', specifier: '' });
    expect(() => parseRequirement('!!')).toThrow(/invalid requirement/);
  });
});

describe('markers, evaluated for a Lambda runtime', () => {
  it.each([
    ['python_version < "3.13"', true],
    ['python_version >= "3.13"', false],
    ['python_version > "3.9" and sys_platform == "linux"', true],
    ['sys_platform == "win32" or platform_machine == "x86_64"', true],
    ['(sys_platform == "darwin" or os_name == "nt") and python_version >= "3"', false],
    ['platform_machine == "aarch64"', false],
    ['platform_python_implementation != "PyPy"', true],
    ['"linux" in sys_platform', true],
    ['implementation_name not in "pypy jython"', true],
    ['python_full_version >= "3.12.0"', true],
    ['python_version == "3.*"', true],
  ])('%s -> %s', (marker, expected) => {
    expect(evaluateMarker(parseMarker(marker), py312)).toBe(expected);
  });

  it('follows the architecture and Python version', () => {
    expect(evaluateMarker(parseMarker('platform_machine == "aarch64"'), lambdaMarkerEnvironment('3.13', 'arm64'))).toBe(true);
    expect(evaluateMarker(parseMarker('python_version >= "3.13"'), lambdaMarkerEnvironment('3.13', 'arm64'))).toBe(true);
  });

  it('applies an extra-only requirement only when the extra is requested, by normalised name', () => {
    const requirement = parseRequirement('cryptography>=3.4.0; extra == "Crypto_Graphy"');
    expect(requirementApplies(requirement, py312, [])).toBe(false);
    expect(requirementApplies(requirement, py312, ['crypto-graphy'])).toBe(true);
    expect(requirementApplies(parseRequirement('rsa'), py312, [])).toBe(true);
  });

  it('refuses what it cannot read', () => {
    expect(() => parseMarker('python_version <')).toThrow(/invalid marker/);
    expect(() => evaluateMarker(parseMarker('color == "red"'), py312)).toThrow(/unknown marker variable color/);
  });
});

describe('PEP 440 versions', () => {
  it('orders releases, pre-, post- and dev-releases', () => {
    const sorted = ['1.0.post1', '1.0', '1.0rc1', '1.0.dev0', '1.0a1', '0.9', '1.0.1', '2!0.1'].sort(compareVersions);
    expect(sorted).toEqual(['0.9', '1.0.dev0', '1.0a1', '1.0rc1', '1.0', '1.0.post1', '1.0.1', '2!0.1']);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
  });

  it.each([
    ['2.9.0', '>=2.7.0', true],
    ['2.9.0', '>=1.7.4,<3.0.0,!=2.0.0', true],
    ['3.0.0', '<3.0.0', false],
    ['0.19.0', '!=0.15', true],
    ['0.15', '!=0.15', false],
    ['2.2.3', '~=2.2', true],
    ['3.0', '~=2.2', false],
    ['1.4.2', '==1.4.*', true],
    ['1.5.0', '!=1.5.*', false],
    ['4.12.2', '', true],
  ])('%s satisfies "%s": %s', (version, specifier, expected) => {
    expect(satisfies(version, specifier)).toBe(expected);
  });
});
