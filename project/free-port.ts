import * as net from 'node:net';

/** A loopback port nothing listens on (free a moment ago): to listen on, or to stand for an address that cannot be reached. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
