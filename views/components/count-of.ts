/**
 * "1 message", "2 messages", "0 messages": a count with its noun in the right number. The
 * plural is the singular plus "s" unless given ("1 reply", "3 replies").
 */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
