/**
 * The project's one way to write a size. Binary units throughout, because that is what Lambda's
 * limits are, although AWS writes them as "MB": 50 MiB (52,428,800 bytes) for a direct upload,
 * 250 MiB (262,144,000 bytes) unzipped, 6 MiB (6,291,456 bytes) for an invocation.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** An exact count, for a limit: "52,428,800 bytes". */
export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}
