const OVER = 0x3fffffff;
let rowA = new Int32Array(0);
let rowB = new Int32Array(0);

/**
 * The edit distance (Levenshtein, in UTF-16 units) between `a` and `b` if it is at most `bound`,
 * else null. Linear in the text, never quadratic: texts whose lengths differ by more than the
 * bound are not compared, a shared head and tail are skipped, only the cells within `bound` of
 * the diagonal are computed (Ukkonen's band) and it stops at the first row whose every cell is
 * over the bound. Cost O(bound × length).
 */
export function boundedDistance(a: string, b: string, bound: number): number | null {
  if (bound < 0 || Math.abs(a.length - b.length) > bound) return null;
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  // The shorter one runs down the rows, so the last cell lies inside the band.
  const [s, sEnd, t, tEnd] = endA - start <= endB - start ? [a, endA, b, endB] : [b, endB, a, endA];
  const n = sEnd - start;
  const m = tEnd - start;
  if (n === 0) return m <= bound ? m : null;
  if (rowA.length < m + 2) {
    rowA = new Int32Array(m + 2);
    rowB = new Int32Array(m + 2);
  }
  let prev = rowA;
  let cur = rowB;
  const first = Math.min(m, bound);
  for (let j = 0; j <= first; j++) prev[j] = j;
  prev[first + 1] = OVER;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - bound);
    const hi = Math.min(m, i + bound);
    cur[lo - 1] = lo === 1 ? i : OVER;
    const si = s.charCodeAt(start + i - 1);
    let rowMin = cur[lo - 1]!;
    for (let j = lo; j <= hi; j++) {
      const substitute = prev[j - 1]! + (si === t.charCodeAt(start + j - 1) ? 0 : 1);
      const remove = prev[j]! + 1;
      const insert = cur[j - 1]! + 1;
      const v = Math.min(substitute, remove, insert);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < m) cur[hi + 1] = OVER;
    if (rowMin > bound) return null;
    const swap = prev;
    prev = cur;
    cur = swap;
  }
  const d = prev[m]!;
  return d <= bound ? d : null;
}
