import * as path from 'node:path';

/**
 * Package makers shared by the tests and the bench, which need packages without a registry: a wheel
 * writer (make_wheel.py, standard library only) and an npm that only records that it ran (fake-npm.ts).
 */

/** `python3 make_wheel.py <dir> <spec JSON | ->` writes a wheel into <dir> and prints its path; this is where a project keeps it. */
export function makeWheelScript(projectRoot: string): string {
  return path.join(projectRoot, 'package-fixtures', 'make_wheel.py');
}
