/** Comparing a code string with a code held as bytes (a file's, or a table's text), without making a string of the bytes. */

/**
 * An ASCII `code` against the bytes [start, end): < 0, 0 or > 0, as the code's UTF-16 units
 * against the bytes (the same order for ASCII codes).
 */
export function compareCodeWithBytes(code: string, bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  const common = Math.min(length, code.length);
  for (let k = 0; k < common; k++) {
    const d = code.charCodeAt(k) - bytes[start + k]!;
    if (d !== 0) return d;
  }
  return code.length - length;
}
