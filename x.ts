import * as fs from 'node:fs';
import { readSharedObject } from './builder/elf';
for (const file of process.argv.slice(2)) {
  const fd = fs.openSync(file, 'r');
  let reads = 0, bytes = 0;
  const info = readSharedObject((offset, length) => { reads++; const b = Buffer.alloc(length); const n = fs.readSync(fd, b, 0, length, offset); bytes += n; return b.subarray(0, n); });
  fs.closeSync(fd);
  console.log(file.split('/').pop(), JSON.stringify(info), reads, bytes);
}
