/**
 * The rule compiler: CHS-DRG scheme text → rule pack.
 *
 * It takes the scheme as data (a map of file name → text, as found in the scheme directory:
 * `1_MDC.txt` … `7_CCE.txt`, `MDC/*.dat`, `ADRG/*.dat`), so another version of the scheme in the
 * same text form compiles without code changes. The only scheme-specific knowledge in code is
 * the small table of conditions stated in group names (`name-conditions.ts`) and which MDCs are
 * pre-MDC / newborn / HIV / trauma / sex-specific, which the national scheme fixes by letter.
 *
 * Every line it reads is either interpreted, or recorded in the report as a PDF artefact with
 * what was done about it, or recorded as uninterpreted.
 */
import { createHash } from 'node:crypto';
import { nameConditions } from './name-conditions.ts';
import { rulePackFormat, type Adrg, type Alternative, type Condition, type Mdc, type RulePack } from './pack.ts';
import { cleanName, firstToken, isCode, isPageNumber, normaliseHeader, sourceLines, type SourceLine, type SourceNote } from './scheme-text.ts';

export interface SchemeSources {
  /** Scheme identifier written into the pack, e.g. `chs-drg-1.1`. */
  scheme: string;
  /** File name (relative to the scheme directory, `/`-separated) → text. */
  files: Record<string, string>;
  /** `icd9cm3-procedure-class.dat` text: `code class` lines (手术 / 介入治疗 / 治疗性操作 / 诊断性操作). */
  procedureClasses?: string;
  /** ISO timestamp written into the pack (passed in: the compiler has no clock). */
  compiledAt: string;
}

export interface CompileReport {
  scheme: string;
  sourceHash: string;
  counts: { mdcs: number; adrgs: number; drgs: number; mcc: number; cc: number; exclusionTables: number; codeLists: number; operatingRoomProcedures: number };
  /** Lines that were PDF artefacts, each with what was done. */
  artefacts: SourceNote[];
  /** Differences between the combined detail file and the per-MDC / per-ADRG files (their union is used). */
  differences: SourceNote[];
  /** Lines that fit neither the grammar nor a known artefact. Empty for CHS-DRG 1.1. */
  uninterpreted: SourceNote[];
  /** OpenDRG schemes: what was read but is not a rule (files not read, definitions nothing uses, DRGs without a name). */
  notes?: SourceNote[];
}

export class SchemeCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemeCompileError';
  }
}

/** MDCs with a special entry rule, by letter (CHS-DRG: MDCA pre-MDC, MDCP newborns, MDCY HIV, MDCZ multiple trauma). */
const precedence = ['MDCA', 'MDCP', 'MDCY', 'MDCZ', 'MDCM', 'MDCN'];
const sexOf: Record<string, 'M' | 'F'> = { MDCM: 'M', MDCN: 'F' };

/** A clause header and the codes listed under it. */
interface Block {
  header: string;
  codes: string[];
  source: SourceLine;
}

interface RawAdrg {
  code: string;
  name: string;
  mdc: string;
  blocks: Block[];
  /** `包含以下主要诊断+手术表 1+手术表 2` formula lines. */
  formulas: { parts: string[]; source: SourceLine }[];
  source: SourceLine;
}

interface RawMdc {
  code: string;
  name: string;
  /** The 主诊表 and, for MDCZ, its body-site tables (header = site name). */
  blocks: Block[];
}

/** Clause headers of the ADRG detail text, normalised (no spaces). */
const clauseHeaders = new Set([
  '包含以下主要诊断：',
  '包含以下主要手术或操作：',
  '主要诊断或其他诊断中包含以下诊断：',
  '包含以下诊断：',
  '同时包含以下手术：',
  '和',
  '全部手术',
  '包含全部手术',
  '主要诊断：',
  '符合MDCZ主诊表，且无手术',
]);

/** `手术表 1：` (and the variant `手术 1：`) naming a procedure table of a formula. */
const procedureTableHeader = /^手术(表)?(\d+)：$/;
/** `包含以下主要诊断+手术表 1+手术表 2`, optionally starting with `或`. */
const formulaLine = /^或?包含以下主要诊断((?:\+手术表\d+)+)$/;

export function compileScheme(sources: SchemeSources): { pack: RulePack; report: CompileReport } {
  const artefacts: SourceNote[] = [];
  const differences: SourceNote[] = [];
  const uninterpreted: SourceNote[] = [];
  const file = (name: string) => {
    const text = sources.files[name];
    if (text === undefined) throw new SchemeCompileError(`the scheme directory has no ${name}`);
    return text;
  };

  const mdcNames = readNamedLines('1_MDC.txt', file('1_MDC.txt'), /^MDC[A-Z]$/, uninterpreted);
  const adrgNames = readNamedLines('2_ADRG.txt', file('2_ADRG.txt'), /^[A-Z]{2}\d$/, uninterpreted);
  const drgNames = readNamedLines('3_DRG.txt', file('3_DRG.txt'), /^[A-Z]{2}\d[1359]$/, uninterpreted);

  const detail = readDetail(sourceLines('4_ADRG_DETAIL.txt', file('4_ADRG_DETAIL.txt')), artefacts, uninterpreted);
  mergePerFileLists(sources.files, detail, artefacts, differences, uninterpreted);

  const mcc = readSeverityList(sourceLines('5_MCC.txt', file('5_MCC.txt')), artefacts, uninterpreted);
  const cc = readSeverityList(sourceLines('6_CC.txt', file('6_CC.txt')), artefacts, uninterpreted);
  const exclusions = readExclusionTables(sourceLines('7_CCE.txt', file('7_CCE.txt')), artefacts, uninterpreted);

  // Code lists, stored once each.
  const lists: string[][] = [];
  const listIndex = new Map<string, number>();
  const internList = (codes: string[]): number => {
    const unique = [...new Set(codes)].sort();
    const key = unique.join('\n');
    let index = listIndex.get(key);
    if (index === undefined) {
      index = lists.length;
      lists.push(unique);
      listIndex.set(key, index);
    }
    return index;
  };

  // MDCs.
  for (const code of mdcNames.keys()) {
    if (!detail.mdcs.has(code)) throw new SchemeCompileError(`${code} is listed in 1_MDC.txt but has no section in 4_ADRG_DETAIL.txt`);
  }
  const mdcOrder = [...precedence.filter((c) => mdcNames.has(c)), ...[...mdcNames.keys()].filter((c) => !precedence.includes(c))];
  const mdcs: Mdc[] = mdcOrder.map((code) => {
    const raw = detail.mdcs.get(code)!;
    const mdc: Mdc = { code, name: mdcNames.get(code)!.name };
    const sites = raw.blocks.filter((b) => b.header !== '主诊表');
    const main = raw.blocks.filter((b) => b.header === '主诊表').flatMap((b) => b.codes);
    if (sites.length > 0) {
      mdc.bodySites = sites.map((b) => ({ name: b.header, list: internList(b.codes) }));
      mdc.minBodySites = 2;
      mdc.principalDiagnoses = internList([...main, ...sites.flatMap((b) => b.codes)]);
    } else if (main.length > 0) {
      mdc.principalDiagnoses = internList(main);
    } else if (code !== 'MDCA') {
      throw new SchemeCompileError(`${code} has no principal-diagnosis table (主诊表)`);
    }
    const sex = sexOf[code];
    if (sex) mdc.sex = sex;
    if (code === 'MDCP') mdc.maxAgeYears = 0;
    return mdc;
  });

  // ADRGs and their DRGs.
  const drgsByAdrg = new Map<string, { code: string; name: string }[]>();
  for (const [code, { name }] of drgNames) {
    const adrg = code.slice(0, 3);
    if (!drgsByAdrg.has(adrg)) drgsByAdrg.set(adrg, []);
    drgsByAdrg.get(adrg)!.push({ code, name });
  }
  const adrgs: Adrg[] = [];
  for (const [code, { name, source }] of adrgNames) {
    const raw = detail.adrgs.get(code);
    if (!raw) throw new SchemeCompileError(`${code} (${source.file}:${source.line}) has no rules in 4_ADRG_DETAIL.txt or ADRG/`);
    const drgs = drgsByAdrg.get(code);
    if (!drgs) throw new SchemeCompileError(`${code} has no DRG in 3_DRG.txt`);
    const alternatives = compileAlternatives(raw, internList);
    const extra = nameConditions[code];
    if (extra) {
      for (const alternative of alternatives) {
        alternative.conditions.push(...extra.conditions);
        alternative.text += ` + 组名: ${extra.clause}`;
      }
    }
    adrgs.push({ code, name, mdc: raw.mdc, kind: adrgKind(code), alternatives, drgs: drgs.sort((a, b) => a.code.localeCompare(b.code)) });
  }
  for (const code of drgsByAdrg.keys()) {
    if (!adrgNames.has(code)) throw new SchemeCompileError(`3_DRG.txt has DRGs of ${code}, which 2_ADRG.txt does not list`);
  }
  for (const code of detail.adrgs.keys()) {
    if (!adrgNames.has(code)) throw new SchemeCompileError(`4_ADRG_DETAIL.txt has rules for ${code}, which 2_ADRG.txt does not list`);
  }
  // Keep the ADRGs in the order their MDC tries them: surgical, procedural, medical, by code.
  const kindRank = { surgical: 0, procedural: 1, medical: 2 } as const;
  adrgs.sort((a, b) => (a.mdc === b.mdc ? kindRank[a.kind] - kindRank[b.kind] || a.code.localeCompare(b.code) : a.mdc.localeCompare(b.mdc)));

  const operatingRoomProcedures = internList(sources.procedureClasses ? readOperatingRoomProcedures(sources.procedureClasses) : []);
  const parts: PackParts = {
    mdcs,
    adrgs,
    lists,
    mcc: Object.fromEntries(mcc),
    cc: Object.fromEntries(cc),
    exclusions: Object.fromEntries([...exclusions].map(([table, codes]) => [table, [...new Set(codes)]])),
    operatingRoomProcedures,
  };
  const { pack, report } = assemblePack(sources, 'nhsa-text', parts);
  return { pack, report: { ...report, artefacts, differences, uninterpreted } };
}

/** What a compiler produces from its source form; {@link assemblePack} makes the pack of it. */
export type PackParts = Pick<RulePack, 'mdcs' | 'adrgs' | 'lists' | 'mcc' | 'cc' | 'exclusions' | 'operatingRoomProcedures'>;

/** The versioned pack of compiled parts, and its report's counts (shared by the NHSA text and OpenDRG compilers). */
export function assemblePack(sources: SchemeSources, source: NonNullable<RulePack['source']>, parts: PackParts): { pack: RulePack; report: CompileReport } {
  const sourceHash = hashSources(sources);
  const pack: RulePack = { format: rulePackFormat, scheme: sources.scheme, source, sourceHash, compiledAt: sources.compiledAt, ...parts };
  const counts: CompileReport['counts'] = {
    mdcs: parts.mdcs.length,
    adrgs: parts.adrgs.length,
    drgs: new Set(parts.adrgs.flatMap((a) => a.drgs.map((d) => d.code))).size,
    mcc: Object.keys(parts.mcc).length,
    cc: Object.keys(parts.cc).length,
    exclusionTables: Object.keys(parts.exclusions).length,
    codeLists: parts.lists.length,
    operatingRoomProcedures: parts.lists[parts.operatingRoomProcedures]!.length,
  };
  return { pack, report: { scheme: sources.scheme, sourceHash, counts, artefacts: [], differences: [], uninterpreted: [] } };
}

/** 外科 ADRGs are lettered A–J, 操作 K–Q, 内科 R–Z (the second letter of the code). */
export function adrgKind(code: string): Adrg['kind'] {
  const letter = code[1]!;
  if (letter <= 'J') return 'surgical';
  if (letter <= 'Q') return 'procedural';
  return 'medical';
}

/** `CODE name` lines (1_MDC, 2_ADRG, 3_DRG). */
function readNamedLines(file: string, text: string, pattern: RegExp, uninterpreted: SourceNote[]) {
  const out = new Map<string, { name: string; source: SourceLine }>();
  for (const source of sourceLines(file, text)) {
    if (source.text === '') continue;
    const [code, name] = firstToken(source.text);
    if (pattern.test(code) && name !== '') out.set(code, { name, source });
    else uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: `expected "${pattern.source.replace(/[\^$]/g, '')} name"` });
  }
  return out;
}

interface Detail {
  mdcs: Map<string, RawMdc>;
  adrgs: Map<string, RawAdrg>;
}

/**
 * Read a detail text (4_ADRG_DETAIL.txt, or one MDC/ADRG file) into MDC tables and ADRG
 * clause blocks. `context` presets the section for per-file texts.
 */
function readDetail(lines: SourceLine[], artefacts: SourceNote[], uninterpreted: SourceNote[], context?: { mdc?: RawMdc; adrg?: RawAdrg }): Detail {
  const mdcs = new Map<string, RawMdc>();
  const adrgs = new Map<string, RawAdrg>();
  let mdc: RawMdc | null = context?.mdc ?? null;
  let adrg: RawAdrg | null = context?.adrg ?? null;
  let inMdcTable = context?.mdc !== undefined;
  let block: Block | null = null;
  let lastEntry: { block: Block; source: SourceLine } | null = null;

  const startBlock = (header: string, source: SourceLine, owner: { blocks: Block[] }) => {
    block = { header, codes: [], source };
    owner.blocks.push(block);
    lastEntry = null;
  };

  for (const source of lines) {
    const text = source.text;
    if (text === '') continue;
    const header = normaliseHeader(text);
    const [token, rest] = firstToken(text);

    if (/^MDC[A-Z]$/.test(token)) {
      const name = cleanName(rest, source, artefacts);
      if (normaliseHeader(name) === '主诊表') {
        if (!mdc || mdc.code !== token) {
          uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: `a principal-diagnosis table of ${token} outside its MDC section` });
          continue;
        }
        inMdcTable = true;
        adrg = null;
        startBlock('主诊表', source, mdc);
        continue;
      }
      mdc = { code: token, name, blocks: [] };
      mdcs.set(token, mdc);
      adrg = null;
      inMdcTable = false;
      block = null;
      continue;
    }
    if (/^[A-Z]{2}\d$/.test(token) && rest !== '') {
      if (!mdc) {
        uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: 'an ADRG before any MDC heading' });
        continue;
      }
      adrg = { code: token, name: cleanName(rest, source, artefacts), mdc: mdc.code, blocks: [], formulas: [], source };
      adrgs.set(token, adrg);
      inMdcTable = false;
      block = null;
      lastEntry = null;
      continue;
    }
    if (isCode(token)) {
      if (!block) {
        uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: 'a code before any clause header says what the list means' });
        continue;
      }
      (block as Block).codes.push(token);
      if (rest.includes('~~')) cleanName(rest, source, artefacts);
      lastEntry = { block, source };
      continue;
    }
    if (isPageNumber(text)) {
      artefacts.push({ ...source, kind: 'page-number', explanation: 'a page number of the PDF; ignored' });
      continue;
    }
    if (adrg && !inMdcTable) {
      const formula = formulaLine.exec(header);
      if (formula) {
        adrg.formulas.push({ parts: formula[1]!.split('+').filter(Boolean), source });
        block = null;
        continue;
      }
      const table = procedureTableHeader.exec(header);
      if (table) {
        if (!table[1]) artefacts.push({ ...source, kind: 'spelling-variant', explanation: `"${text}" read as "手术表 ${table[2]}：", the name its formula line uses` });
        startBlock(`手术表${table[2]}：`, source, adrg);
        continue;
      }
      if (clauseHeaders.has(header)) {
        startBlock(header, source, adrg);
        continue;
      }
    }
    if (mdc && inMdcTable) {
      if (header === '包含以下主要诊断：') {
        // The list header of the 主诊表 or of a body-site table: the block already exists.
        if (block && (block as Block).codes.length === 0) continue;
        startBlock('主诊表', source, mdc);
        continue;
      }
      if (/创伤$/.test(header) && !isCode(token)) {
        // MDCZ body-site table heading (头颈部创伤, 胸部创伤, …).
        startBlock(text, source, mdc);
        continue;
      }
    }
    if (lastEntry) {
      artefacts.push({ ...source, kind: 'wrapped-name', explanation: `the name of ${(lastEntry as { block: Block }).block.codes.at(-1)} continued on this line; joined to it` });
      continue;
    }
    uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: 'not a heading, clause, code or known PDF artefact' });
  }
  return { mdcs, adrgs };
}

/**
 * Merge the per-MDC (`MDC/*.dat`) and per-ADRG (`ADRG/*.dat`) files into the detail: the union
 * of codes per clause is used, and every difference is reported.
 */
function mergePerFileLists(files: Record<string, string>, detail: Detail, artefacts: SourceNote[], differences: SourceNote[], uninterpreted: SourceNote[]) {
  for (const [name, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const match = /^(MDC|ADRG)\/([A-Z]{2,4}\d?)_.*\.dat$/.exec(name);
    if (!match) continue;
    const code = match[2]!;
    const lines = sourceLines(name, text);
    if (match[1] === 'MDC') {
      const target = detail.mdcs.get(code);
      if (!target) {
        uninterpreted.push({ file: name, line: 1, text: lines[0]?.text ?? '', kind: 'uninterpreted', explanation: `${code} has no section in 4_ADRG_DETAIL.txt` });
        continue;
      }
      if (lines.length === 0) continue;
      const scratch: RawMdc = { code, name: target.name, blocks: [] };
      readDetail(lines, artefacts, uninterpreted, { mdc: scratch });
      mergeBlocks(code, target.blocks, scratch.blocks, name, differences);
    } else {
      const target = detail.adrgs.get(code);
      if (!target) {
        uninterpreted.push({ file: name, line: 1, text: lines[0]?.text ?? '', kind: 'uninterpreted', explanation: `${code} has no section in 4_ADRG_DETAIL.txt` });
        continue;
      }
      const scratch: RawAdrg = { ...target, blocks: [], formulas: [] };
      readDetail(lines, artefacts, uninterpreted, { adrg: scratch });
      mergeBlocks(code, target.blocks, scratch.blocks, name, differences);
      if (target.formulas.length === 0 && scratch.formulas.length > 0) target.formulas = scratch.formulas;
    }
  }
}

/** Union `extra` blocks into `into`, matching blocks by header and occurrence; report differences. */
function mergeBlocks(code: string, into: Block[], extra: Block[], file: string, differences: SourceNote[]) {
  const occurrence = (blocks: Block[], i: number) => blocks.slice(0, i).filter((b) => b.header === blocks[i]!.header).length;
  extra.forEach((block, i) => {
    const nth = occurrence(extra, i);
    const match = into.filter((b) => b.header === block.header)[nth];
    if (!match) {
      into.push({ ...block, codes: [...block.codes] });
      differences.push({ ...block.source, kind: 'source-difference', explanation: `${code}: clause "${block.header}" is in ${file} but not in 4_ADRG_DETAIL.txt; added` });
      return;
    }
    const original = [...match.codes];
    const known = new Set(original);
    for (const c of block.codes) {
      if (known.has(c)) continue;
      match.codes.push(c);
      known.add(c);
      differences.push({ ...block.source, kind: 'source-difference', explanation: `${code}: ${c} is listed under "${block.header}" in ${file} but not in 4_ADRG_DETAIL.txt; added` });
    }
    const listed = new Set(block.codes);
    for (const c of original) {
      if (!listed.has(c)) differences.push({ ...match.source, kind: 'source-difference', explanation: `${code}: ${c} is listed under "${block.header}" in 4_ADRG_DETAIL.txt but not in ${file}; kept` });
    }
  });
}

/** Turn an ADRG's clause blocks into alternatives of conditions. */
function compileAlternatives(raw: RawAdrg, internList: (codes: string[]) => number): Alternative[] {
  const named = new Map<string, Block>();
  const plain: Condition[] = [];
  const texts: string[] = [];
  for (const block of raw.blocks) {
    switch (block.header) {
      case '包含以下主要诊断：':
        plain.push({ kind: 'principalDiagnosis', list: internList(block.codes) });
        texts.push(`主要诊断 ∈ 表(${block.codes.length})`);
        break;
      case '包含以下主要手术或操作：':
        plain.push({ kind: 'principalProcedure', list: internList(block.codes) });
        texts.push(`主要手术或操作 ∈ 表(${block.codes.length})`);
        break;
      case '主要诊断或其他诊断中包含以下诊断：':
      case '包含以下诊断：':
        plain.push({ kind: 'anyDiagnosis', list: internList(block.codes) });
        texts.push(`任一诊断 ∈ 表(${block.codes.length})`);
        break;
      case '同时包含以下手术：':
      case '和':
        plain.push({ kind: 'anyProcedure', list: internList(block.codes) });
        texts.push(`${block.header === '和' ? '和' : '同时包含'}手术 ∈ 表(${block.codes.length})`);
        break;
      case '全部手术':
      case '包含全部手术':
        plain.push({ kind: 'operatingRoomProcedure' });
        texts.push('有手术室手术 (全部手术)');
        break;
      case '符合MDCZ主诊表，且无手术':
        plain.push({ kind: 'noOperatingRoomProcedure' });
        texts.push('符合 MDCZ 主诊表，且无手术');
        break;
      default:
        named.set(block.header, block);
    }
  }
  if (raw.formulas.length === 0) {
    if (plain.length === 0) throw new SchemeCompileError(`${raw.code} (${raw.source.file}:${raw.source.line}) has no clause that says which cases it takes`);
    return [{ conditions: plain, text: texts.join(' 且 ') }];
  }
  return raw.formulas.map(({ parts, source }) => {
    const conditions: Condition[] = [...plain];
    const principal = named.get('主要诊断：');
    if (!principal) throw new SchemeCompileError(`${raw.code}: the formula at ${source.file}:${source.line} needs a "主要诊断：" list`);
    conditions.push({ kind: 'principalDiagnosis', list: internList(principal.codes) });
    for (const part of parts) {
      const table = named.get(`${part}：`);
      if (!table) throw new SchemeCompileError(`${raw.code}: the formula at ${source.file}:${source.line} names ${part}, which has no list`);
      conditions.push({ kind: 'anyProcedure', list: internList(table.codes) });
    }
    return { conditions, text: `主要诊断 ∈ 表 + ${parts.join(' + ')}` };
  });
}

/** Table id of `表 7-12` / `表7-12` → `7-12`. */
const tableRef = /^表\s?(\d+-\d+)$/;

/**
 * 5_MCC.txt / 6_CC.txt: `code name 表 7-N` (or `无`: excluded by nothing), with the artefacts
 * the PDF left: page numbers, repeated headers, whole pages on one line, wrapped names.
 */
function readSeverityList(lines: SourceLine[], artefacts: SourceNote[], uninterpreted: SourceNote[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let pending: { code: string; name: string; source: SourceLine } | null = null;
  let sawHeader = false;
  const entryAtEnd = /^(.*?)\s*(表\s?\d+-\d+|无)$/;

  const add = (code: string, table: string) => {
    const match = tableRef.exec(table);
    out.set(code, match ? match[1]! : null);
  };

  for (const source of lines) {
    const text = source.text;
    if (text === '') continue;
    if (text === '疾病编码 疾病名称 排除内容') {
      if (sawHeader) artefacts.push({ ...source, kind: 'repeated-header', explanation: 'the column header repeated at a page break; ignored' });
      sawHeader = true;
      continue;
    }
    if (isPageNumber(text)) {
      artefacts.push({ ...source, kind: 'page-number', explanation: 'a page number of the PDF; ignored' });
      continue;
    }
    const joined = /^(\d{1,4}) 疾病编码 疾病名称 排除内容 (.*)$/.exec(text);
    if (joined) {
      const entries = [...joined[2]!.matchAll(/(\S+) (.+?) (表 ?\d+-\d+|无)(?= |$)/g)];
      const bad = entries.filter((e) => !isCode(e[1]!));
      if (bad.length > 0 || entries.length === 0) {
        uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: 'a page run together on one line whose entries could not all be separated' });
        continue;
      }
      for (const e of entries) add(e[1]!, e[3]!);
      artefacts.push({ ...source, kind: 'joined-page', explanation: `page ${joined[1]} run together on one line; split into its ${entries.length} entries` });
      continue;
    }
    const [token, rest] = firstToken(text);
    if (isCode(token)) {
      if (pending) uninterpreted.push({ ...pending.source, kind: 'uninterpreted', explanation: `${pending.code} has no exclusion table (表 7-N or 无)` });
      const complete = entryAtEnd.exec(rest);
      if (complete) {
        add(token, complete[2]!);
        pending = null;
      } else {
        pending = { code: token, name: rest, source };
      }
      continue;
    }
    if (pending) {
      const complete = entryAtEnd.exec(text);
      if (complete) {
        add(pending.code, complete[2]!);
        artefacts.push({ ...source, kind: complete[1] ? 'wrapped-name' : 'table-on-next-line', explanation: complete[1] ? `the name of ${pending.code} continued on this line, with its exclusion table` : `the exclusion table of ${pending.code} printed on the next line` });
        pending = null;
      } else {
        artefacts.push({ ...source, kind: 'wrapped-name', explanation: `the name of ${pending.code} continued on this line; joined to it` });
      }
      continue;
    }
    uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: 'not an entry, header or known PDF artefact' });
  }
  if (pending) uninterpreted.push({ ...pending.source, kind: 'uninterpreted', explanation: `${pending.code} has no exclusion table (表 7-N or 无)` });
  return out;
}

/** 7_CCE.txt: `表 7-N`, `包含以下主要诊断：`, then the principal diagnoses that exclude that table. */
function readExclusionTables(lines: SourceLine[], artefacts: SourceNote[], uninterpreted: SourceNote[]): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  let current: string[] | null = null;
  let lastCode: string | null = null;
  for (const source of lines) {
    const text = source.text;
    if (text === '') continue;
    const table = tableRef.exec(text);
    if (table) {
      current = tables.get(table[1]!) ?? [];
      tables.set(table[1]!, current);
      lastCode = null;
      continue;
    }
    if (normaliseHeader(text) === '包含以下主要诊断：') continue;
    if (isPageNumber(text)) {
      artefacts.push({ ...source, kind: 'page-number', explanation: 'a page number of the PDF; ignored' });
      continue;
    }
    const [token, rest] = firstToken(text);
    if (isCode(token) && current) {
      current.push(token);
      if (rest.includes('~~')) cleanName(rest, source, artefacts);
      lastCode = token;
      continue;
    }
    if (lastCode) {
      artefacts.push({ ...source, kind: 'wrapped-name', explanation: `the name of ${lastCode} continued on this line; joined to it` });
      continue;
    }
    uninterpreted.push({ ...source, kind: 'uninterpreted', explanation: 'not a table heading, clause or code' });
  }
  return tables;
}

/** Procedures of the classes 手术 (surgery) and 介入治疗 (intervention): the operating-room procedures. */
export function readOperatingRoomProcedures(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [code, kind] = firstToken(line.trim());
    if (kind === '手术' || kind === '介入治疗') out.push(code);
  }
  return out;
}

/** sha256 over the sources: each file's name and bytes, in name order, then the procedure classes. */
export function hashSources(sources: SchemeSources): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(sources.files).sort()) {
    hash.update(name).update('\0').update(sources.files[name]!).update('\0');
  }
  if (sources.procedureClasses) hash.update('procedure-classes\0').update(sources.procedureClasses);
  return hash.digest('hex');
}
