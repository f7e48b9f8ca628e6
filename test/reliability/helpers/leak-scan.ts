/**
 * Leak scanning (scenario 13): every key and value under a Redis prefix, of every type, as text; and a
 * search of texts for "needles" (the personal data and secrets that must never appear there).
 */
import type { Redis } from 'ioredis';

export type Needle = { kind: string; value: string };
export type Haystack = { where: string; text: string };
export type Hit = { kind: string; value: string; where: string; excerpt: string };

/** Every key under `prefix` with its whole content as one text (strings, hashes, lists, sets, zsets, streams). */
export async function dumpPrefix(redis: Redis, prefix: string): Promise<Haystack[]> {
  const out: Haystack[] = [];
  const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    for (const key of keys) out.push({ where: `redis ${key}`, text: `${key}\n${await keyText(redis, key)}` });
  }
  return out;
}

async function keyText(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return (await redis.getBuffer(key))?.toString('utf8') ?? '';
    case 'hash':
      return Object.entries(await redis.hgetall(key))
        .map(([f, v]) => `${f}=${v}`)
        .join('\n');
    case 'list':
      return (await redis.lrange(key, 0, -1)).join('\n');
    case 'set':
      return (await redis.smembers(key)).join('\n');
    case 'zset':
      return (await redis.zrange(key, '0', '-1', 'WITHSCORES')).join('\n');
    case 'stream':
      return (await redis.xrange(key, '-', '+'))
        .map(([id, fields]) => `${id} ${fields.join(' ')}`)
        .join('\n');
    case 'none':
      return ''; // expired between SCAN and TYPE
    default:
      return `(unreadable type ${type})`;
  }
}

/** Plain substring search of every needle in every haystack (needles shorter than 6 characters refused). */
export function scan(haystacks: Haystack[], needles: Needle[]): Hit[] {
  for (const n of needles) if (n.value.length < 6) throw new Error(`needle too short to scan: ${n.kind}`);
  const hits: Hit[] = [];
  for (const h of haystacks) {
    for (const n of needles) {
      const at = h.text.indexOf(n.value);
      if (at < 0) continue;
      const excerpt = h.text.slice(Math.max(0, at - 80), at + n.value.length + 80).replace(/\s+/g, ' ');
      hits.push({ kind: n.kind, value: n.value, where: h.where, excerpt });
    }
  }
  return hits;
}

/** Counts of hits by kind, for the figures. */
export function hitsByKind(hits: Hit[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of hits) out[h.kind] = (out[h.kind] ?? 0) + 1;
  return out;
}
