/**
 * A problem with an input — a settlement record, a payment policy, a fund scenario, a rule set,
 * a request — as data: `{ code, path, message }`. `code` is one of a small closed vocabulary
 * that programs branch on (counters, HTTP answers, the console's field messages); `path` names
 * the field (`secondaryDiagnoses[2]`, `outliers.low`, `''` for the input itself); `message` is
 * the one sentence a person reads. Nothing parses the message back.
 */
import * as z from 'zod';

/** The problem codes; a program branches on these, never on the sentence. */
export const problemCodes = [
  /** A required field is absent. */
  'required',
  /** The value has the wrong type (a string where a number belongs, a list where an object belongs…). */
  'invalid-type',
  /** A string that is not written as it must be (a date not YYYY-MM-DD, an id with other characters). */
  'invalid-format',
  /** A value outside the allowed set (an enum, a literal, a sweep parameter). */
  'invalid-value',
  /** A number, date or length outside its allowed range. */
  'out-of-range',
  /** A list or a request holding more items than allowed. */
  'too-many',
  /** A field that is not part of the document (a misspelling, usually). */
  'unknown-field',
  /** A diagnosis or procedure code that is not in the code set. */
  'unknown-code',
  /** A clinical-edition (国临版) code with no insurance-edition (医保版) mapping. */
  'unmapped-code',
  /** A grey code (灰码) where it must not be (principal diagnosis, principal procedure). */
  'grey-code',
  /** Fields that disagree with each other (dates and length of stay, costs and their total…). */
  'inconsistent',
  /** A record of another hospital sent with a hospital's key. */
  'wrong-hospital',
  /** A value repeated where it should appear once (a warning on code lists). */
  'duplicate',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

export interface Problem {
  code: ProblemCode;
  path: string;
  message: string;
}

/** The problem as a zod schema (the API's documents are generated from it). */
export const problemSchema = z.object({
  code: z.enum(problemCodes),
  path: z.string(),
  message: z.string(),
});

const problemCodeSet: ReadonlySet<string> = new Set<string>(problemCodes);

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && problemCodeSet.has(value);
}

const plainKey = /^(?:[A-Za-z_$][\w$-]*|\d+)$/;

/** `secondaryDiagnoses[2]`, `costs.bed`, `rules.split-admission.windowDays`, `levelCoefficients.1`, `["odd key"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && plainKey.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** `prefix` and a path below it: (`policy`, `outliers.low`) → `policy.outliers.low`; (`policy`, ``) → `policy`; (`a`, `[2]`) → `a[2]`. */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** The problems moved under `prefix` (a request's `policy`, `scenario`…), messages prefixed `prefix: `. */
export function underPath(problems: readonly Problem[], prefix: string): Problem[] {
  return problems.map((p) => ({ code: p.code, path: joinPath(prefix, p.path), message: `${prefix}: ${p.message}` }));
}

// ---------------------------------------------------------------------------------------------
// zod issues → problems

/** The parts of a zod 4 issue read here. */
export interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  origin?: string;
  params?: Record<string, unknown>;
}

/** The value at `path` inside `input` (undefined when absent). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * The problem code of one zod issue. A refinement may name its code with
 * `params: { code: '…' }`; otherwise a custom refinement is a disagreement between fields.
 */
export function codeOfIssue(issue: ZodIssueLike, value: unknown): ProblemCode {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? 'required' : 'invalid-type';
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'set' ? 'too-many' : 'out-of-range';
    case 'too_small':
    case 'not_multiple_of':
      return 'out-of-range';
    case 'invalid_format':
      return 'invalid-format';
    case 'unrecognized_keys':
      return 'unknown-field';
    case 'invalid_union':
      if (value === undefined) return 'required';
      return issue.path.length === 0 && (typeof value !== 'object' || value === null || Array.isArray(value)) ? 'invalid-type' : 'invalid-value';
    case 'custom': {
      const named = issue.params?.code;
      return isProblemCode(named) ? named : 'inconsistent';
    }
    default:
      return 'invalid-value';
  }
}

export interface IssueWording {
  /** Where the input sits (`['query']`): prefixed to every path, not used to look values up. */
  prefix?: readonly PropertyKey[];
  /** What the input is called when the path is empty (`the policy`). */
  subject: string;
  /** The sentence for an unknown field at `path`. */
  unknownField: (path: string) => string;
  /** Optional override of the sentence of an issue (`where` is the formatted path or the subject). */
  sentence?: (issue: ZodIssueLike, where: string, value: unknown) => string | undefined;
}

/** One problem per zod issue (one per key for unknown fields), worded `<path> <zod message>` unless `wording.sentence` says otherwise. */
export function problemsOfIssues(issues: readonly ZodIssueLike[], input: unknown, wording: IssueWording): Problem[] {
  const out: Problem[] = [];
  const prefix = wording.prefix ?? [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) {
        const path = formatPath([...prefix, ...issue.path, key]);
        out.push({ code: 'unknown-field', path, message: wording.unknownField(path) });
      }
      continue;
    }
    const path = formatPath([...prefix, ...issue.path]);
    const value = valueAt(input, issue.path);
    const where = path === '' ? wording.subject : path;
    const message = wording.sentence?.(issue, where, value) ?? `${where} ${issue.message}`;
    out.push({ code: codeOfIssue(issue, value), path, message });
  }
  return out;
}
