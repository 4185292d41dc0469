/**
 * The payment table a DRG policy takes its relative weights from (`weightsTable`), read and
 * checked in one place for every entry point: `payreform simulate` reads a file beside the
 * policy, the service a table bundled with the deployment. Whatever is wrong — no such table,
 * no weight column (the message names the columns the table has), a row that cannot be read —
 * is one problem at `weightsTable` (or `weightsColumn` when the policy named a column that is
 * not there), thrown as a PolicyError like any other policy field.
 */
import { PaymentTableError } from '../models/payment/payment-table.ts';
import { PolicyError, type PaymentPolicy } from '../models/payment/policy.ts';
import { readTableWeights, type TableWeights } from '../models/payment/table-weights.ts';

/** A table's text by the name the policy gives, or the sentence saying why there is none. */
export type TableSource = (name: string) => { text: string; name: string } | { missing: string };

/** The table weights the policy names (null when it names none). Throws PolicyError with one problem. */
export function policyTableWeights(policy: Pick<PaymentPolicy, 'weightsTable' | 'weightsColumn'>, source: TableSource): TableWeights | null {
  if (policy.weightsTable === undefined) return null;
  const found = source(policy.weightsTable);
  if ('missing' in found) throw new PolicyError([{ code: 'invalid-value', path: 'weightsTable', message: `weightsTable ${found.missing}` }]);
  try {
    return readTableWeights(found.name, found.text, policy.weightsColumn);
  } catch (error) {
    if (!(error instanceof PaymentTableError)) throw error;
    const path = error.reason === 'weight-column' && policy.weightsColumn !== undefined ? 'weightsColumn' : 'weightsTable';
    const hint = error.reason === 'weight-column' && policy.weightsColumn === undefined ? '; "weightsColumn" names the weight column when it has another name' : '';
    throw new PolicyError([{ code: 'invalid-value', path, message: `${path}: ${error.message}${hint}` }]);
  }
}
