import * as fs from 'node:fs';
import * as path from 'node:path';
import { pinFile, readPin, removePin, writePin, RollbackPin } from '../../artifacts/rollback-pin';
import { makeTempDir } from '../support/temp-dirs';

/** The pin file: what the rollback writes and synth reads, and pins written by older versions of the tool. */
describe('a rollback pin', () => {
  const layer = 'arn:aws:lambda:ap-northeast-1:123456789012:layer:acme-dev-deps:3';
  const code = { codeHash: 'Y29kZQ==', s3: { bucket: 'b', key: 'functions/acme/dev/api.zip', version: 'v1' } };

  it('reads back what was written, function by function, and is gone once removed', () => {
    const buildDir = makeTempDir('pin-roundtrip');
    const pin: RollbackPin = {
      stack: 'api-dev',
      serial: 3,
      scope: 'layers and code',
      functions: { api: { layers: [layer], code }, worker: { layers: [], code: { codeHash: 'd29yaw==' } } },
      replacesSerial: 5,
    };
    expect(writePin(buildDir, pin)).toBe(pinFile(buildDir, 'api-dev'));
    expect(readPin(buildDir, 'api-dev')).toEqual(pin);
    expect(readPin(buildDir, 'api-prod')).toBeUndefined();
    expect(removePin(buildDir, 'api-dev')).toBe(true);
    expect(readPin(buildDir, 'api-dev')).toBeUndefined();
  });

  it("reads a pin written before stacks had several functions as the API's, and before layers-only rollbacks as layers and code", () => {
    const buildDir = makeTempDir('pin-older');
    fs.mkdirSync(path.dirname(pinFile(buildDir, 'api-dev')), { recursive: true });
    fs.writeFileSync(pinFile(buildDir, 'api-dev'), JSON.stringify({ stack: 'api-dev', serial: 3, layers: [layer], code, replacesSerial: 5 }));
    expect(readPin(buildDir, 'api-dev')).toEqual({
      stack: 'api-dev',
      serial: 3,
      scope: 'layers and code',
      functions: { api: { layers: [layer], code } },
      replacesSerial: 5,
    });
  });

  it('refuses a pin whose functions do not match its scope, or that names another stack, saying what to do', () => {
    const buildDir = makeTempDir('pin-bad');
    const write = (content: unknown) => {
      fs.mkdirSync(path.dirname(pinFile(buildDir, 'api-dev')), { recursive: true });
      fs.writeFileSync(pinFile(buildDir, 'api-dev'), JSON.stringify(content));
    };
    const base = { stack: 'api-dev', serial: 3, replacesSerial: 5 };
    write({ ...base, scope: 'layers and code', functions: { api: { layers: [layer], code }, worker: { layers: [] } } });
    expect(() => readPin(buildDir, 'api-dev')).toThrow(
      /a pin of scope "layers and code" with the wrong code for function worker.*delete it or run the rollback again/,
    );
    write({ ...base, scope: 'layers', functions: { api: { layers: [layer], code } } });
    expect(() => readPin(buildDir, 'api-dev')).toThrow(/a pin of scope "layers" with the wrong code for function api/);
    write({ ...base, scope: 'layers', functions: { api: { code } } });
    expect(() => readPin(buildDir, 'api-dev')).toThrow(/function api has no list of layers/);
    write({ ...base, stack: 'api-prod', scope: 'layers', functions: { api: { layers: [layer] } } });
    expect(() => readPin(buildDir, 'api-dev')).toThrow(/missing fields/);
    write({ ...base, scope: 'layers', functions: {} });
    expect(() => readPin(buildDir, 'api-dev')).toThrow(/missing fields/);
  });
});
