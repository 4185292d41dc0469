/**
 * Counts in sentences: "1 record", "2 records", "1,234 cases" — the one way every message of the
 * CLI, the service and the console words a number of things.
 */

/** `n` (grouped by thousands) and the noun, singular for exactly 1. `plural` defaults to `noun + "s"`. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${thousands(n)} ${n === 1 ? noun : plural}`;
}

/**
 * `1,234,567`: what `n.toLocaleString('en')` writes, without it for whole numbers — the first
 * `toLocaleString` of a process loads ICU's locale data (~20 ms of a command's start). Other
 * numbers go to `toLocaleString('en')` (it rounds fractions to 3 digits).
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}

/** The noun alone, by count: `plural(1, 'policy', 'policies')` → "policy". */
export function nounFor(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return n === 1 ? noun : pluralNoun;
}
