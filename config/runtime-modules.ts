/**
 * What Lambda's runtimes themselves provide to a function's imports, per runtime:
 * the import coverage rule and the local run read these tables.
 */
import { builtinModules } from 'node:module';

/** sys.stdlib_module_names of CPython 3.12 (read from 3.12.1), private modules included: all importable. */
const STDLIB_3_12: readonly string[] = [
  '__future__', '_abc', '_aix_support', '_ast', '_asyncio', '_bisect', '_blake2', '_bz2', '_codecs', '_codecs_cn',
  '_codecs_hk', '_codecs_iso2022', '_codecs_jp', '_codecs_kr', '_codecs_tw', '_collections', '_collections_abc',
  '_compat_pickle', '_compression', '_contextvars', '_crypt', '_csv', '_ctypes', '_curses', '_curses_panel',
  '_datetime', '_dbm', '_decimal', '_elementtree', '_frozen_importlib', '_frozen_importlib_external', '_functools',
  '_gdbm', '_hashlib', '_heapq', '_imp', '_io', '_json', '_locale', '_lsprof', '_lzma', '_markupbase', '_md5',
  '_msi', '_multibytecodec', '_multiprocessing', '_opcode', '_operator', '_osx_support', '_overlapped', '_pickle',
  '_posixshmem', '_posixsubprocess', '_py_abc', '_pydatetime', '_pydecimal', '_pyio', '_pylong', '_queue',
  '_random', '_scproxy', '_sha1', '_sha2', '_sha3', '_signal', '_sitebuiltins', '_socket', '_sqlite3', '_sre',
  '_ssl', '_stat', '_statistics', '_string', '_strptime', '_struct', '_symtable', '_thread', '_threading_local',
  '_tkinter', '_tokenize', '_tracemalloc', '_typing', '_uuid', '_warnings', '_weakref', '_weakrefset', '_winapi',
  '_zoneinfo', 'abc', 'aifc', 'antigravity', 'argparse', 'array', 'ast', 'asyncio', 'atexit', 'audioop', 'base64',
  'bdb', 'binascii', 'bisect', 'builtins', 'bz2', 'cProfile', 'calendar', 'cgi', 'cgitb', 'chunk', 'cmath', 'cmd',
  'code', 'codecs', 'codeop', 'collections', 'colorsys', 'compileall', 'concurrent', 'configparser', 'contextlib',
  'contextvars', 'copy', 'copyreg', 'crypt', 'csv', 'ctypes', 'curses', 'dataclasses', 'datetime', 'dbm', 'decimal',
  'difflib', 'dis', 'doctest', 'email', 'encodings', 'ensurepip', 'enum', 'errno', 'faulthandler', 'fcntl',
  'filecmp', 'fileinput', 'fnmatch', 'fractions', 'ftplib', 'functools', 'gc', 'genericpath', 'getopt', 'getpass',
  'gettext', 'glob', 'graphlib', 'grp', 'gzip', 'hashlib', 'heapq', 'hmac', 'html', 'http', 'idlelib', 'imaplib',
  'imghdr', 'importlib', 'inspect', 'io', 'ipaddress', 'itertools', 'json', 'keyword', 'lib2to3', 'linecache',
  'locale', 'logging', 'lzma', 'mailbox', 'mailcap', 'marshal', 'math', 'mimetypes', 'mmap', 'modulefinder',
  'msilib', 'msvcrt', 'multiprocessing', 'netrc', 'nis', 'nntplib', 'nt', 'ntpath', 'nturl2path', 'numbers',
  'opcode', 'operator', 'optparse', 'os', 'ossaudiodev', 'pathlib', 'pdb', 'pickle', 'pickletools', 'pipes',
  'pkgutil', 'platform', 'plistlib', 'poplib', 'posix', 'posixpath', 'pprint', 'profile', 'pstats', 'pty', 'pwd',
  'py_compile', 'pyclbr', 'pydoc', 'pydoc_data', 'pyexpat', 'queue', 'quopri', 'random', 're', 'readline',
  'reprlib', 'resource', 'rlcompleter', 'runpy', 'sched', 'secrets', 'select', 'selectors', 'shelve', 'shlex',
  'shutil', 'signal', 'site', 'smtplib', 'sndhdr', 'socket', 'socketserver', 'spwd', 'sqlite3', 'sre_compile',
  'sre_constants', 'sre_parse', 'ssl', 'stat', 'statistics', 'string', 'stringprep', 'struct', 'subprocess',
  'sunau', 'symtable', 'sys', 'sysconfig', 'syslog', 'tabnanny', 'tarfile', 'telnetlib', 'tempfile', 'termios',
  'textwrap', 'this', 'threading', 'time', 'timeit', 'tkinter', 'token', 'tokenize', 'tomllib', 'trace',
  'traceback', 'tracemalloc', 'tty', 'turtle', 'turtledemo', 'types', 'typing', 'unicodedata', 'unittest', 'urllib',
  'uu', 'uuid', 'venv', 'warnings', 'wave', 'weakref', 'webbrowser', 'winreg', 'winsound', 'wsgiref', 'xdrlib',
  'xml', 'xmlrpc', 'zipapp', 'zipfile', 'zipimport', 'zlib', 'zoneinfo'
];

/** What 3.13 removed (PEP 594's dead batteries, lib2to3) and added, read from 3.13.0's sys.stdlib_module_names. */
const REMOVED_IN_3_13 = [
  '_crypt', '_msi', 'aifc', 'audioop', 'cgi', 'cgitb', 'chunk', 'crypt', 'imghdr', 'lib2to3', 'mailcap', 'msilib', 'nis',
  'nntplib', 'ossaudiodev', 'pipes', 'sndhdr', 'spwd', 'sunau', 'telnetlib', 'uu', 'xdrlib',
];
const ADDED_IN_3_13 = [
  '_android_support', '_colorize', '_interpchannels', '_interpqueues', '_interpreters', '_ios_support', '_opcode_metadata',
  '_pyrepl', '_suggestions', '_sysconfig', '_wmi',
];
/** 3.14's new top-level modules (PEP 749's annotationlib, PEP 784's compression); no 3.14 on this machine to read them from. */
const ADDED_IN_3_14 = ['_remote_debugging', '_zstd', 'annotationlib', 'compression'];

const STDLIB: Readonly<Record<string, ReadonlySet<string>>> = (() => {
  const v312 = new Set(STDLIB_3_12);
  const v313 = new Set([...STDLIB_3_12.filter((name) => !REMOVED_IN_3_13.includes(name)), ...ADDED_IN_3_13]);
  const v314 = new Set([...v313, ...ADDED_IN_3_14]);
  return { '3.12': v312, '3.13': v313, '3.14': v314 };
})();

/** Top-level modules of the standard library of a Python version ("3.12"). */
export function pythonStdlib(pythonVersion: string): ReadonlySet<string> {
  const found = STDLIB[pythonVersion];
  if (!found) throw new Error(`no standard library table for Python ${pythonVersion}; add it to config/runtime-modules.ts`);
  return found;
}

/** A distribution that a runtime ships, and the top-level modules it installs. */
export interface RuntimeDistribution {
  readonly name: string;
  readonly modules: readonly string[];
}

/**
 * The AWS SDK for Python and its dependencies, which every Lambda Python runtime
 * ships outside the standard library (/var/lang/lib/pythonX.Y/site-packages).
 * AWS updates their versions with the runtime, so only their names are relied on.
 */
export const PYTHON_RUNTIME_DISTRIBUTIONS: readonly RuntimeDistribution[] = [
  { name: 'boto3', modules: ['boto3'] },
  { name: 'botocore', modules: ['botocore'] },
  { name: 's3transfer', modules: ['s3transfer'] },
  { name: 'jmespath', modules: ['jmespath'] },
  { name: 'python-dateutil', modules: ['dateutil'] },
  { name: 'urllib3', modules: ['urllib3'] },
  { name: 'six', modules: ['six'] },
];

/** npm name patterns the Node.js runtimes (18 and later) ship in /var/runtime/node_modules: the AWS SDK for JavaScript v3. */
export const NODE_RUNTIME_PACKAGES: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

/** Node's built-in modules, by the names `import` accepts ("fs", "node:fs", "node:test"). */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return builtinModules.includes(specifier.split('/')[0]!) || builtinModules.includes(specifier);
}

