import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The only range a webhook may reach unless private networks are allowed: the public internet. */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'unicast';
  } catch {
    return false;
  }
}

/**
 * Why a webhook URL may not be used, or null: an http(s) URL without credentials, and, unless private
 * networks are allowed, not a loopback, private, link-local (cloud metadata) or otherwise reserved
 * address. Names are checked again at every delivery, when they resolve (see `postWebhook`).
 */
export function webhookUrlProblem(input: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return 'must be an http(s) URL without credentials';
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || input.length > 2000)
    return 'must be an http(s) URL without credentials';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && !isPublicAddress(host)))
    return 'must not point at a loopback or private address (WEBHOOK_ALLOW_PRIVATE_NETWORKS allows it)';
  return null;
}

export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';
}

type Resolve = (
  hostname: string,
  options: { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** A `lookup` for http.request that refuses, unless allowed, a name resolving to any non-public address. */
export function guardedLookup(allowPrivate: boolean, resolve: Resolve = dnsLookup as unknown as Resolve) {
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void =>
    resolve(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (!allowPrivate && addresses.some((a) => !isPublicAddress(a.address)))
        return callback(new PrivateAddressError('resolves to a private address'), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
}

/**
 * POSTs a webhook body. The address is checked when the connection is made, after DNS, so a name that
 * resolves (or is re-pointed) to a private address is refused too. Resolves with the status code.
 */
export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs: number },
): Promise<number> {
  const url = new URL(target);
  const problem = webhookUrlProblem(target, options.allowPrivate);
  if (problem) return Promise.reject(new PrivateAddressError(problem));
  const lookup = guardedLookup(options.allowPrivate);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: lookup as never,
        timeout: options.timeoutMs,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
    );
    request.on('error', reject);
    request.end(body);
  });
}
