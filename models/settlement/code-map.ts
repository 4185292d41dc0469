/**
 * Clinical-edition codes (国临版: ICD-10 clinical 2.0, ICD-9-CM-3 clinical 3.0) mapped to the
 * medical-insurance edition 2.0 (医保版) that validation and grouping use. A record says its
 * edition in `codeEdition` (`chs-2.0`, the default, or `gl-2.0`); a batch or a CLI run may give a
 * default for records that don't. Mapping runs on the raw record, before validation: the mapped
 * record carries the insurance codes and keeps the originals in `originalCodes`; a code with no
 * mapping is a problem naming it, never a silent pass-through. Pure: the caller reads the map
 * files (`*-gl-*-to-chs-2.0.dat`, one `clinical insurance` pair per line).
 */
import type { Problem } from '../problem.ts';

/** The code editions a record may be written in. */
export const codeEditions = ['chs-2.0', 'gl-2.0'] as const;
export type CodeEdition = (typeof codeEditions)[number];

/** clinical code → insurance code, for diagnoses and procedures. */
export interface ClinicalCodeMaps {
  diagnoses: ReadonlyMap<string, string>;
  procedures: ReadonlyMap<string, string>;
}

/** The codes a record was sent with, kept beside the mapped ones. */
export interface OriginalCodes {
  edition: 'gl-2.0';
  principalDiagnosis: string;
  secondaryDiagnoses: string[];
  procedures: string[];
}

/** A problem of the mapping step: the field path, a code from the problems vocabulary (`unmapped-code`, `invalid-value`), a sentence. */
export type CodeMapProblem = Problem;

export type CodeMapping = { ok: true; record: unknown } | { ok: false; problems: CodeMapProblem[] };

/** Parse a map file: `clinical insurance` per line (BOM, CRLF, blank lines tolerated); malformed lines are reported by number. */
export function parseCodeMap(text: string): { map: Map<string, string>; malformed: number[] } {
  const map = new Map<string, string>();
  const malformed: number[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) malformed.push(i + 1);
    else map.set(parts[0]!, parts[1]!);
  }
  return { map, malformed };
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Map a raw record's codes when its edition (its own `codeEdition`, else `defaultEdition`) is
 * `gl-2.0`. Records in the insurance edition, and anything that is not an object with code
 * fields, come back unchanged (validation words what is wrong with them). The mapped record has
 * `codeEdition: 'chs-2.0'` and `originalCodes`.
 */
export function mapClinicalCodes(raw: unknown, maps: ClinicalCodeMaps, defaultEdition: CodeEdition = 'chs-2.0'): CodeMapping {
  if (!isObject(raw)) return { ok: true, record: raw };
  const edition = raw.codeEdition ?? defaultEdition;
  if (edition === 'chs-2.0') return { ok: true, record: raw };
  if (edition !== 'gl-2.0') {
    return { ok: false, problems: [{ code: 'invalid-value', path: 'codeEdition', message: `codeEdition ${JSON.stringify(edition)} must be one of ${codeEditions.map((e) => `"${e}"`).join(', ')}.` }] };
  }
  const problems: CodeMapProblem[] = [];
  const one = (value: unknown, path: string, map: ReadonlyMap<string, string>, what: string): unknown => {
    if (typeof value !== 'string') return value; // validation words a wrong type
    const mapped = map.get(value.trim());
    if (mapped === undefined) {
      problems.push({ code: 'unmapped-code', path, message: `${path} ${JSON.stringify(value)} is not a ${what} code of the clinical edition the record names (gl-2.0), so it has no insurance-edition code.` });
      return value;
    }
    return mapped;
  };
  const many = (value: unknown, path: string, map: ReadonlyMap<string, string>, what: string): unknown =>
    Array.isArray(value) ? value.map((v, i) => one(v, `${path}[${i}]`, map, what)) : value;
  const principalDiagnosis = one(raw.principalDiagnosis, 'principalDiagnosis', maps.diagnoses, 'ICD-10 clinical 2.0');
  const secondaryDiagnoses = many(raw.secondaryDiagnoses, 'secondaryDiagnoses', maps.diagnoses, 'ICD-10 clinical 2.0');
  const procedures = many(raw.procedures, 'procedures', maps.procedures, 'ICD-9-CM-3 clinical 3.0');
  if (problems.length > 0) return { ok: false, problems };
  const originalCodes: OriginalCodes = {
    edition: 'gl-2.0',
    principalDiagnosis: String(raw.principalDiagnosis),
    secondaryDiagnoses: Array.isArray(raw.secondaryDiagnoses) ? raw.secondaryDiagnoses.map(String) : [],
    procedures: Array.isArray(raw.procedures) ? raw.procedures.map(String) : [],
  };
  return { ok: true, record: { ...raw, codeEdition: 'chs-2.0', principalDiagnosis, secondaryDiagnoses, procedures, originalCodes } };
}
