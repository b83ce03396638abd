import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

/**
 * A package index on 127.0.0.1, as pip and uv read one (PEP 503's simple pages: /simple/<name>/ lists each
 * wheel with its sha256), serving the wheels of one folder. It records every request, so a test can show that
 * nothing asked it.
 */
export interface SimpleIndex {
  /** The index's URL, for UV_DEFAULT_INDEX: http://127.0.0.1:<port>/simple */
  readonly url: string;
  /** The paths asked for, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

export async function serveSimpleIndex(wheelDir: string): Promise<SimpleIndex> {
  const requests: string[] = [];
  const wheels = (): string[] => fs.readdirSync(wheelDir).filter((file) => file.endsWith('.whl'));
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    const html = (body: string) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!DOCTYPE html><html><body>\n${body}\n</body></html>\n`);
    };
    const project = /^\/simple\/([^/]+)\/?$/.exec(url.pathname)?.[1];
    const file = /^\/files\/([^/]+\.whl)$/.exec(url.pathname)?.[1];
    if (url.pathname === '/simple/' || url.pathname === '/simple') {
      const names = [...new Set(wheels().map((wheel) => normalise(wheel.split('-')[0])))].sort();
      html(names.map((name) => `<a href="/simple/${name}/">${name}</a>`).join('\n'));
    } else if (project) {
      const files = wheels().filter((wheel) => normalise(wheel.split('-')[0]) === normalise(project));
      if (files.length === 0) {
        response.writeHead(404).end();
        return;
      }
      const links = files.map((wheel) => {
        const sha256 = createHash('sha256')
          .update(fs.readFileSync(path.join(wheelDir, wheel)))
          .digest('hex');
        return `<a href="/files/${wheel}#sha256=${sha256}">${wheel}</a>`;
      });
      html(links.join('\n'));
    } else if (file && fs.existsSync(path.join(wheelDir, file))) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(fs.readFileSync(path.join(wheelDir, file)));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
