/**
 * Levenshtein distance between two strings, compared case-insensitively (option names
 * are matched case-insensitively everywhere, so case must not count as a typo).
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let previous = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[t.length]!;
}

/**
 * The candidate closest to `name` by {@link editDistance}; ties go to the earlier
 * candidate. Undefined only when there are no candidates.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The "did you mean" tail of an unknown-name message: a confident suggestion when the
 * closest name is a plausible typo, otherwise the nearest name as a pointer.
 */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const best = closestMatch(name, candidates);
  if (best === undefined) return '';
  const plausible = editDistance(name, best) <= Math.max(2, Math.floor(best.length / 3));
  return plausible ? `; did you mean '${best}'?` : `; the closest valid name is '${best}'`;
}
