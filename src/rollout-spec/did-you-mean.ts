import type { ParseWork } from './parse-work.js';

/** Levenshtein distance, case-insensitive: `maxDorp` is one transposition (two edits) from `maxDrop`. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * The candidate closest to `word` if it is a plausible typo: within a third of the word's length
 * (at least 1, at most 3 edits). Ties go to the earlier candidate. Candidates whose length differs
 * by more than the budget are skipped unmeasured: a 200 kB value is never compared cell by cell.
 */
export function didYouMean(
  word: string,
  candidates: readonly string[],
  work?: ParseWork,
): string | undefined {
  const budget = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > budget) continue;
    if (work) work.editDistances++;
    const distance = editDistance(word, candidate);
    if (distance <= budget && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
