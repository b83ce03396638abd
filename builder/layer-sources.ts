import * as fs from 'node:fs';
import * as path from 'node:path';
import { FamilyId } from '../families/registry';
import { layerSourceInvalid } from './errors';

/** Optional per-layer settings, in layers/<name>/layer.config.json. */
export interface LayerOptions {
  /**
   * Extra files to leave out of the built tree, as globs relative to the tree root
   * (`**` crosses folders, `*` does not), e.g. `python/**\/tests/**`.
   * @default - none beyond the safe defaults (Python caches and compiled files)
   */
  readonly exclude: readonly string[];
}

export const LAYER_OPTIONS_FILE = 'layer.config.json';

/**
 * One runtime family's packages in a layer folder: the files that decide what gets installed. What every family
 * has; a family's builder reads its own kind of source, which adds what that family needs (a Python layer's locks).
 */
export interface LayerSource {
  readonly name: string;
  readonly family: FamilyId;
  /** Absolute path of layers/<name>. */
  readonly dir: string;
  /** File name (relative to the folder) -> bytes, for every file the install reads. */
  readonly files: ReadonlyMap<string, Buffer>;
  /**
   * What the layer declares: npm package names (functions import these from it), or
   * normalised Python distribution names from requirements.txt.
   */
  readonly provides: readonly string[];
  readonly options: LayerOptions;
}

/** A layer file's JSON, parsed from the bytes read once (the same bytes the build hashes). */
export function parseJson(bytes: Buffer, file: string, folder: string): Record<string, unknown> {
  try {
    return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw layerSourceInvalid(folder, `${file} is not valid JSON (${(error as Error).message}).`);
  }
}

export function readOptions(dir: string, folder: string): { options: LayerOptions; bytes?: Buffer } {
  const file = path.join(dir, LAYER_OPTIONS_FILE);
  if (!fs.existsSync(file)) return { options: { exclude: [] } };
  const bytes = fs.readFileSync(file);
  const parsed = parseJson(bytes, LAYER_OPTIONS_FILE, folder);
  const unknown = Object.keys(parsed).filter((key) => key !== 'exclude');
  const exclude = parsed['exclude'] ?? [];
  if (unknown.length > 0 || !Array.isArray(exclude) || !exclude.every((pattern) => typeof pattern === 'string' && pattern.length > 0)) {
    throw layerSourceInvalid(folder, `${LAYER_OPTIONS_FILE} may hold only "exclude": a list of globs relative to the tree root, e.g. ["**/tests/**"].`);
  }
  return { options: { exclude: exclude as string[] }, bytes };
}

export function findSource(sources: readonly LayerSource[], name: string, family: FamilyId): LayerSource {
  const source = sources.find((candidate) => candidate.name === name && candidate.family === family);
  if (!source) throw new Error(`layer source ${name} (${family}) was not read; loadConfig should have rejected it`);
  return source;
}
