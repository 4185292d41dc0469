/**
 * A policy can only be simulated over years that hold cases: its settlement year (the cases it
 * pays) and at least one of its reference years (where the DRG weights or the DIP catalogue come
 * from — a DIP policy that names its own `catalog` needs none). Without them every figure of the
 * result would be 0/0 (an in-group rate of NaN %), so the CLI and the simulation job both stop with
 * this one sentence instead.
 */
export interface PolicyYears {
  settlementYear: number;
  referenceYears: readonly number[];
  /** A DIP policy's own catalogue file: the reference years are then not read. */
  catalog?: string | undefined;
}

/** The sentence saying which of the policy's years hold no case, or null when it can be simulated. */
export function policyYearsProblem(policy: PolicyYears, yearsWithCases: ReadonlySet<number>): string | null {
  const held = [...yearsWithCases].sort((a, b) => a - b);
  const span = held.length === 0 ? 'there are no cases at all' : held.length === 1 ? `the cases are discharged in ${held[0]}` : `the cases are discharged in ${held[0]}–${held[held.length - 1]}`;
  if (!yearsWithCases.has(policy.settlementYear)) return `no case is discharged in its settlementYear ${policy.settlementYear} (${span}), so there is nothing to pay`;
  if (policy.catalog === undefined && !policy.referenceYears.some((y) => yearsWithCases.has(y))) {
    return `no case is discharged in its referenceYears ${policy.referenceYears.join(', ')} (${span}), so there is nothing to derive the weights from`;
  }
  return null;
}
