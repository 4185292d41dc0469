/**
 * Rounding at the output boundary — never inside sums: amounts to the cent, every other fraction
 * (ratios, rates, weights, scores) to 4 decimals, so no answer or file carries float noise such as
 * 0.30000000000000004. Which numbers are amounts is read from the field's name (`totalCost`,
 * `payment`, `budget`, `balance`, `expenditure`, … in yuan); whole numbers are left as they are.
 */

/** Field names of amounts in yuan (rounded to the cent). */
const amountKey = /(cost|payment|amount|budget|balance|yuan|income|expenditure|revenue|excess|price|selfpay|paid|forecasttotal|standard)s?$/i;

/** Round half away from zero to `decimals` places (1.005 → 1.01: the decimal the value was written as). */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const scaled = Math.abs(value) * scale;
  const rounded = Math.round(scaled * (1 + Number.EPSILON)) / scale;
  return value < 0 ? -rounded : rounded;
}

/** An amount in yuan, to the cent. */
export const roundAmount = (value: number): number => roundTo(value, 2);
/** A ratio, rate or weight, to 4 decimals. */
export const roundRatio = (value: number): number => roundTo(value, 4);

/** The number as it is written out: whole numbers unchanged, amounts (by their field name) to the cent, anything else to 4 decimals. */
export function roundForOutput(key: string, value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return value;
  return amountKey.test(key) ? roundAmount(value) : roundRatio(value);
}

/** A `JSON.stringify` replacer applying `roundForOutput` to every number (array items take their array's key). */
export function roundingReplacer(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  const name = /^\d+$/.test(key) && this !== null && typeof this === 'object' ? arrayKeys.get(this) ?? key : key;
  return roundForOutput(name, value);
}

/** The key an array was found under, so its items round as amounts or ratios like a scalar of that name. */
const arrayKeys = new WeakMap<object, string>();

/** `JSON.stringify(value, …)` with every number rounded for output. */
export function stringifyRounded(value: unknown, space?: number): string {
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    if (Array.isArray(v) && key !== '' && !/^\d+$/.test(key)) arrayKeys.set(v, key);
    else if (Array.isArray(v) && /^\d+$/.test(key) && this !== null && typeof this === 'object' && arrayKeys.has(this)) arrayKeys.set(v, arrayKeys.get(this)!);
    return roundingReplacer.call(this, key, v);
  }, space);
}
