/**
 * Outbound HTTP to addresses a job definition or a variable names (nightly URL sources, the alert
 * webhook): https unless the caller allows http, every connection's address checked at connect time
 * (so a DNS answer that changes between a check and the connect cannot slip past: the check is in the
 * socket's own lookup), private, loopback and link-local addresses refused unless configuration allows
 * them, and redirects followed by hand: to the same origin with the request's headers, to another origin
 * without them (an `X-Api-Key` never leaves the origin it was written for), at most five.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, fetch, type RequestInit, type Response } from 'undici';

export type OutboundPolicy = {
  /** Allow private, loopback and link-local destinations (OUTBOUND_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Allow plain http (a job definition whose URL says http://; never for the webhook by default). */
  allowHttp: boolean;
};

export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** True for loopback, private (RFC 1918, ULA), link-local, CGNAT, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const MAX_REDIRECTS = 5;

const agents = new Map<boolean, Agent>();

/** One keep-alive pool per policy for the process (the policy decides what its lookups accept). */
function agentFor(policy: OutboundPolicy): Agent {
  const known = agents.get(policy.allowPrivate);
  if (known) return known;
  const agent = new Agent({
    connect: {
      lookup(hostname, options, callback) {
        dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
          if (err) return callback(err, '', 4);
          const allowed = policy.allowPrivate
            ? addresses
            : addresses.filter((a) => !isPrivateAddress(a.address));
          const first = allowed[0];
          if (!first) {
            return callback(
              new OutboundRefused(`${hostname} resolves to a private, loopback or link-local address`),
              '',
              4,
            );
          }
          // Node asks with `all` on some paths (happy eyeballs) and without on others.
          if ((options as { all?: boolean }).all)
            return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
          callback(null, first.address, first.family);
        });
      },
    },
  });
  agents.set(policy.allowPrivate, agent);
  return agent;
}

/** Refuses a URL before any connection: its scheme, and a literal address (no lookup happens for one). */
export function checkUrl(url: URL, policy: OutboundPolicy): void {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new OutboundRefused(`${url.origin}: only https is allowed here`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && (isPrivateAddress(host) || /^localhost$|\.localhost$/i.test(host))) {
    throw new OutboundRefused(
      `${url.origin} is a private, loopback or link-local address (OUTBOUND_ALLOW_PRIVATE=true allows it)`,
    );
  }
}

/** fetch with the policy above; `init.headers` are the custom headers kept only within the origin. */
export async function outboundFetch(
  target: string | URL,
  init: RequestInit & { headers?: Record<string, string> },
  policy: OutboundPolicy,
): Promise<Response> {
  const dispatcher = agentFor(policy);
  let url = new URL(target);
  const origin = url.origin;
  let headers = init.headers ?? {};
  try {
    for (let hop = 0; ; hop++) {
      checkUrl(url, policy);
      const response = await fetch(url, { ...init, headers, redirect: 'manual', dispatcher });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status > 399 || !location) return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new OutboundRefused(`${origin}: more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url);
      if (url.origin !== origin) headers = {};
    }
  } catch (err) {
    // undici wraps connect errors ("fetch failed"): the refusal is what the user needs to read.
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof OutboundRefused) throw cause;
    throw err;
  }
}
