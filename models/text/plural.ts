/**
 * Counts in sentences: "1 record", "2 records", "1,234 cases" — the one way every message of the
 * CLI, the service and the console words a number of things.
 */

/** `n` (grouped by thousands) and the noun, singular for exactly 1. `plural` defaults to `noun + "s"`. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? noun : plural}`;
}

/** The noun alone, by count: `plural(1, 'policy', 'policies')` → "policy". */
export function nounFor(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return n === 1 ? noun : pluralNoun;
}
