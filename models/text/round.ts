/**
 * Rounding at the output boundary — never inside sums: amounts to the cent, ratios to 4 decimals,
 * the figures that price a case (relative weights, point values, coefficients) to 6, so no answer
 * or file carries float noise such as 0.30000000000000004. The class is read from the field's
 * name (`totalCost`, `payment`, … in yuan; `inGroupRate`, `paymentToCost`; `relativeWeight`,
 * `settlementPointValue`), else from the enclosing field's; whole numbers are left as they are.
 */

/** Field names of ratios (4 decimals), checked first: `paymentToCost` is a ratio, not a cost. */
const ratioKey = /(ratio|share|rate|index|cmi|riv|cv|to(cost|payment|budget|points?))s?$/i;
/**
 * Field names of figures that price a case (6 decimals, as city tables publish them): relative
 * weights (RW, 权重), point values (点值), coefficients (系数), points (分值) and base rates — a
 * 4-decimal point value shown beside payments made at its full value would not reproduce them.
 */
const pricingKey = /(weight|rw|pointvalue|coefficient|points|yearstartderived|baserate)s?$/i;
/** Field names of amounts in yuan (rounded to the cent). */
const amountKey = /(cost|payment|amount|budget|balance|yuan|income|expenditure|revenue|excess|price|selfpay|paid|prepaid|cleared|difference|forecasttotal|standard)s?$/i;

type Precision = 2 | 4 | 6;

/** The precision a field's name asks for, or null when the name says nothing (its parent's then applies). */
function precisionOfKey(key: string): Precision | null {
  if (key === '' || /^\d+$/.test(key)) return null;
  if (pricingKey.test(key)) return 6;
  if (ratioKey.test(key)) return 4;
  if (amountKey.test(key)) return 2;
  return null;
}

/** Round half away from zero to `decimals` places (1.005 → 1.01: the decimal the value was written as). */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const scaled = Math.abs(value) * scale;
  const rounded = Math.round(scaled * (1 + Number.EPSILON)) / scale;
  return value < 0 ? -rounded : rounded;
}

/** An amount in yuan, to the cent. */
export const roundAmount = (value: number): number => roundTo(value, 2);
/** A ratio or rate, to 4 decimals. */
export const roundRatio = (value: number): number => roundTo(value, 4);

/** The number as it is written out: whole numbers unchanged, else by its field name (`inherited`: the enclosing field's precision), ratios and unnamed fractions to 4 decimals. */
export function roundForOutput(key: string, value: number, inherited: Precision | null = null): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return value;
  return roundTo(value, precisionOfKey(key) ?? inherited ?? 4);
}

/**
 * `JSON.stringify(value, …)` with every number rounded for output: by its own field name, else by
 * the nearest enclosing field that names a precision (the items of `relativeWeights: {FM19: …}`
 * or `costs: […]` take their container's).
 */
export function stringifyRounded(value: unknown, space?: number): string {
  const inherited = new WeakMap<object, Precision | null>();
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const parent = this !== null && typeof this === 'object' ? inherited.get(this) ?? null : null;
    const own = precisionOfKey(key) ?? parent;
    if (v !== null && typeof v === 'object') {
      inherited.set(v, own);
      return v;
    }
    return typeof v === 'number' ? roundForOutput(key, v, parent) : v;
  }, space);
}
