/**
 * Node-side loading of the medical-insurance 2.0 code sets from the reference directory
 * (`$PAYREFORM_REFERENCE_DIR/codes`, else `../shared/reference/codes`). Read once per
 * directory and cached: the sets are immutable reference data.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCodeMap, type ClinicalCodeMaps } from '../models/settlement/code-map.ts';
import { codeListFromBytes, parseCodeList, parseGreyList, type CodeList, type CodeSets } from '../models/settlement/codes.ts';
import { CliError } from './cli-error.ts';
import { referencePath } from './reference.ts';

/** The file names inside the codes directory. */
export const codeSetFiles = {
  diagnoses: 'icd10-chs-2.0.dat',
  procedures: 'icd9cm3-chs-2.0.dat',
  greyDiagnoses: 'icd10-chs-2.0-grey.dat',
  greyProcedures: 'icd9cm3-chs-2.0-grey.dat',
} as const;

const cache = new Map<string, CodeSets>();

/** Load (once per directory) the ICD-10 / ICD-9-CM-3 2.0 code sets and their grey lists. */
export function loadCodeSets(dir: string = referencePath('codes')): CodeSets {
  const key = path.resolve(dir);
  const cached = cache.get(key);
  if (cached) return cached;
  const sets: CodeSets = {
    diagnoses: readCodeList(key, codeSetFiles.diagnoses),
    procedures: readCodeList(key, codeSetFiles.procedures),
    greyDiagnoses: parseGreyList(readCodeFile(key, codeSetFiles.greyDiagnoses)),
    greyProcedures: parseGreyList(readCodeFile(key, codeSetFiles.greyProcedures)),
  };
  cache.set(key, sets);
  return sets;
}

/** The clinical-edition → insurance-edition maps (国临版 → 医保版 2.0). */
export const codeMapFiles = {
  diagnoses: 'icd10-gl-2.0-to-chs-2.0.dat',
  procedures: 'icd9cm3-gl-3.0-to-chs-2.0.dat',
} as const;

const mapCache = new Map<string, ClinicalCodeMaps>();

/** Load (once per directory) the maps from the clinical editions to the insurance edition; a malformed line is an error naming the file and line. */
export function loadClinicalCodeMaps(dir: string = referencePath('codes')): ClinicalCodeMaps {
  const key = path.resolve(dir);
  const cached = mapCache.get(key);
  if (cached) return cached;
  const read = (name: string): Map<string, string> => {
    const { map, malformed } = parseCodeMap(readCodeFile(key, name));
    if (malformed.length > 0) throw new CliError(`${path.join(key, name)} line ${malformed[0]}: expected "clinical-code insurance-code"${malformed.length > 1 ? ` (and ${malformed.length - 1} more lines)` : ''}.`);
    return map;
  };
  const maps: ClinicalCodeMaps = { diagnoses: read(codeMapFiles.diagnoses), procedures: read(codeMapFiles.procedures) };
  mapCache.set(key, maps);
  return maps;
}

/**
 * The clinical-edition maps of `dir`, loaded on the first call: a run or a container whose
 * records are all in the insurance edition never reads the two map files.
 */
export function lazyClinicalCodeMaps(dir: string = referencePath('codes')): () => ClinicalCodeMaps {
  return () => loadClinicalCodeMaps(dir);
}

/** A `code name` list, searched in its file's bytes (names parsed only when asked for; see codeListFromBytes). */
function readCodeList(dir: string, name: string): CodeList {
  const bytes = readFileSync(codeFile(dir, name));
  return codeListFromBytes(bytes, () => parseCodeList(bytes.toString('utf8')));
}

function readCodeFile(dir: string, name: string): string {
  return readFileSync(codeFile(dir, name), 'utf8');
}

function codeFile(dir: string, name: string): string {
  const file = path.join(dir, name);
  if (!existsSync(file)) {
    throw new CliError(`the code set file ${file} does not exist; the codes directory must hold ${[...Object.values(codeSetFiles), ...Object.values(codeMapFiles)].join(', ')} (set PAYREFORM_REFERENCE_DIR to the reference directory)`);
  }
  return file;
}
