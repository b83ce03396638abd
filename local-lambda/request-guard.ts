/**
 * What the local server refuses before anything runs, so that a web page the developer happens to have open
 * cannot use it: a request whose Host is not a loopback name (a DNS-rebinding page reaches 127.0.0.1 under its
 * own domain name), and a browser's cross-origin request to the Lambda Invoke API (which runs the function with
 * any event). A path that is not valid percent-encoding gets 400, as a front door would answer it. Pure.
 */
import { OutgoingResponse } from '../api-gateway/payload-v2';
import { jsonResponse, lambdaError } from './invoke-api';

export interface GuardedRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The host name of a Host header, without its port and IPv6 brackets, lowercased; undefined when there is none. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(':');
  return colon >= 0 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
}

/** Names that can only mean this machine: localhost (and *.localhost, RFC 6761), 127.0.0.0/8, ::1. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return name.split('.').every((part) => Number(part) <= 255);
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

const WILDCARD_HOSTS = ['0.0.0.0', '::', ''];

/** Whether a path holds only well-formed percent-escapes that decode to UTF-8. */
export function isValidPercentEncoding(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The answer to a request the local server must not serve, or undefined to serve it. `boundHost` is the address
 * it listens on: a specific non-loopback address (npm start -- --host 192.168.1.5) is accepted as a Host too.
 */
export function refuseRequest(request: GuardedRequest, boundHost: string, invokePrefix: string): OutgoingResponse | undefined {
  const host = typeof request.headers['host'] === 'string' ? request.headers['host'] : undefined;
  const name = hostName(host);
  const bound = hostName(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost);
  const allowed = name !== undefined && (isLoopbackName(name) || (bound !== undefined && !WILDCARD_HOSTS.includes(bound) && name === bound));
  if (!allowed) {
    return jsonResponse(403, {
      error: 'forbidden_host',
      message: `the local API answers requests for localhost and 127.0.0.1 only, not for Host ${JSON.stringify(host ?? '')}: a page on another site must not reach it`,
    });
  }
  const path = request.url.split('?')[0];
  if (path.startsWith(invokePrefix)) {
    const origin = request.headers['origin'];
    const site = request.headers['sec-fetch-site'];
    if (origin !== undefined || (site !== undefined && site !== 'none' && site !== 'same-origin')) {
      return lambdaError(
        403,
        'AccessDeniedException',
        'The local Invoke API refuses requests from a web page (Origin or Sec-Fetch-Site); call it with an AWS SDK or the CLI.',
      );
    }
  }
  if (!isValidPercentEncoding(path)) {
    return jsonResponse(400, { error: 'bad_request', message: 'the path is not valid percent-encoding' });
  }
  return undefined;
}

/** Text safe to print on a terminal: control characters (C0, DEL, C1) and lone surrogates written as \xNN or \uNNNN. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return text.replace(/[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
