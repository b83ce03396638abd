import * as path from 'node:path';

/**
 * Package makers shared by the tests and the bench, which need packages without a registry: a wheel
 * writer (make_wheel.py, standard library only) and an npm that only records that it ran (fake-npm.ts).
 */

/** `python3 make_wheel.py <dir> <spec JSON | ->` writes a wheel into <dir> and prints its path. */
export const MAKE_WHEEL = path.join(__dirname, 'make_wheel.py');
