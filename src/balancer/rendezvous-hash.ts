import { leastConnections } from './least-connections';
import type { Balancer, CoordinatorView } from './types';

/**
 * 32-bit MurmurHash3 of a UTF-16 string's code units. Stable across processes and
 * platforms, which is the point: the same key must land on the same coordinator in
 * every process of an application.
 */
export function murmur3(text: string, seed = 0): number {
  let h = seed >>> 0;
  const len = text.length;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    let k = (text.charCodeAt(i) & 0xffff) | ((text.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < len) {
    let k = text.charCodeAt(i) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= len;
  return fmix(h);
}

function fmix(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Highest-random-weight score of `address` for a key hash: each coordinator's
 * score depends only on the key and its own address, so removing a coordinator
 * moves only the keys it had (to their second-best), and adding one takes only
 * the keys it now scores best on.
 */
export function rendezvousScore(keyHash: number, address: string): number {
  return fmix((keyHash ^ murmur3(address, 0x9747b28c)) >>> 0) * 4294967296 + fmix((keyHash + 0x6d2b79f5) ^ murmur3(address, 0x5bd1e995));
}

/** The coordinator a key maps to among `candidates` by rendezvous hashing. */
export function rendezvousPick(candidates: readonly CoordinatorView[], key: string): CoordinatorView | undefined {
  const kh = murmur3(key);
  let best: CoordinatorView | undefined;
  let bestScore = -1;
  for (const c of candidates) {
    const s = rendezvousScore(kh, c.address);
    if (s > bestScore || (s === bestScore && best !== undefined && c.address < best.address)) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}

/**
 * `affinity`: requests with a key go to the key's rendezvous coordinator (ignoring
 * load and slow start: stickiness is the point); requests without one are balanced
 * by least connections.
 */
export const affinity: Balancer = (candidates, ctx) => {
  if (ctx.key === undefined) return leastConnections(candidates, ctx);
  return rendezvousPick(candidates, ctx.key);
};
