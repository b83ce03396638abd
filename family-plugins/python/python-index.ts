/**
 * Where Python packages come from, for every uv and pip command the project runs (the layers' locks and builds, the
 * wheel cache, the bench, the toolchain's own lock and install): the project's settings, read once from variables
 * named after uv's, and turned into each tool's options here.
 */

/**
 * Where Python packages come from: the project's settings, named after uv's variables. uv reads most of them
 * itself, but not UV_NO_INDEX (uv has no such variable: `--no-index` is a flag only), so every uv command the
 * project runs is given `--no-index` and `--offline` from here (uvIndexArgs), and pip gets all of them as options.
 */
export interface PythonIndexSettings {
  /** UV_DEFAULT_INDEX (or UV_INDEX_URL); PyPI when unset. */
  readonly defaultIndex?: string;
  /** UV_INDEX (or UV_EXTRA_INDEX_URL), space-separated; a `name=` prefix is dropped. */
  readonly extraIndexes: readonly string[];
  /** UV_FIND_LINKS: folders or pages of wheels, comma- or space-separated. */
  readonly findLinks: readonly string[];
  /** UV_NO_INDEX: only the find-links, never an index (uv's `--no-index`, pip's `--no-index`). */
  readonly noIndex: boolean;
  /** UV_OFFLINE: nothing is downloaded (uv's `--offline`; pip, which has no such mode, gets `--no-index`); locked wheels must already be in the wheel cache. */
  readonly offline: boolean;
}

const TRUE = /^(1|true|yes|on)$/i;

export function pythonIndexSettings(env: NodeJS.ProcessEnv): PythonIndexSettings {
  const list = (value: string | undefined, separator: RegExp): string[] =>
    (value ?? '')
      .split(separator)
      .map((item) => item.trim())
      .filter(Boolean);
  const defaultIndex = env['UV_DEFAULT_INDEX'] || env['UV_INDEX_URL'];
  return {
    ...(defaultIndex ? { defaultIndex } : {}),
    extraIndexes: list(env['UV_INDEX'] || env['UV_EXTRA_INDEX_URL'], /\s+/).map((entry) => entry.replace(/^[A-Za-z0-9_-]+=(?=[a-z][a-z0-9+.-]*:)/i, '')),
    findLinks: list(env['UV_FIND_LINKS'], /[\s,]+/),
    noIndex: TRUE.test(env['UV_NO_INDEX'] ?? ''),
    offline: TRUE.test(env['UV_OFFLINE'] ?? ''),
  };
}

/** The index that answers when nothing else is configured. */
export const DEFAULT_INDEX = 'https://pypi.org/simple';

/** The indexes and folders a resolution asks, for messages and for the look before fetching: offline, or with no index, only the folders. */
export function indexesOf(settings: PythonIndexSettings): string[] {
  if (settings.noIndex || settings.offline) return [...settings.findLinks];
  return [settings.defaultIndex ?? DEFAULT_INDEX, ...settings.extraIndexes, ...settings.findLinks];
}

/** The settings uv does not read itself (UV_NO_INDEX), or must not be left to guess, as uv's options. */
export function uvIndexArgs(settings: PythonIndexSettings): string[] {
  return [...(settings.noIndex ? ['--no-index'] : []), ...(settings.offline ? ['--offline'] : [])];
}

/** The index settings as pip's options: UV_NO_INDEX, and UV_OFFLINE (pip has no offline mode), are `--no-index`. */
export function pipIndexArgs(settings: PythonIndexSettings): string[] {
  const noIndex = settings.noIndex || settings.offline;
  return [
    ...(noIndex ? ['--no-index'] : settings.defaultIndex ? ['--index-url', settings.defaultIndex] : []),
    ...(noIndex ? [] : settings.extraIndexes.flatMap((url) => ['--extra-index-url', url])),
    ...settings.findLinks.flatMap((link) => ['--find-links', link]),
  ];
}
