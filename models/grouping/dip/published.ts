/**
 * A catalogue from a published local packet list (地方病种目录库) instead of one built from cases:
 * a CSV with a header naming the columns
 *   diagnosis           principal diagnosis at 4 characters (a core packet) or a 3-character category
 *                       (a comprehensive packet), as the list writes it — `K80.1`, `K80`;
 *   principalProcedure  the principal procedure code; empty for conservative treatment; for a
 *                       comprehensive packet its class: surgical | therapeutic | diagnostic | conservative;
 *   relatedProcedures   related procedure codes separated by `+`, `|` or `;` (may be empty);
 *   score               the packet's score (分值), > 0;
 * and optionally `basic` (1 / true / 是: a 基层病种, no hospital coefficient) and `name`.
 * Chinese headers are read too (主要诊断, 主要手术操作, 相关手术操作, 分值, 基层病种, 病种名称).
 * The grouper then applies the same basic rule (bestCore) and comprehensive lookup; the packet
 * rules (exclusions, merges, rule packets) come from the policy. Without reference cases the
 * catalogue has no cost statistics: cases 0, meanCost 0, and no auxiliary types.
 */
import { parseQuoted } from '../../text/csv.ts';
import { catalogHead, type DipCatalog, type Packet } from './catalog.ts';
import { baseKey, comprehensiveClasses, comprehensiveKey, coreKey, type ComprehensiveClass } from './codes.ts';
import type { DipCatalogPolicy } from './policy.ts';

const headerNames: Record<string, readonly string[]> = {
  diagnosis: ['diagnosis', '主要诊断', '主要诊断编码', '诊断编码'],
  principalProcedure: ['principalProcedure', '主要手术操作', '主要手术操作编码', '手术操作编码'],
  relatedProcedures: ['relatedProcedures', '相关手术操作', '相关手术操作编码'],
  score: ['score', '分值', '病种分值'],
  basic: ['basic', '基层病种'],
  name: ['name', '病种名称'],
};

/** Build a catalogue document from a published packet list (see the module comment); errors name the file and line. */
export function catalogFromPackets(fileName: string, text: string, policy: DipCatalogPolicy, builtAt: string): DipCatalog {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = parseQuoted(lines[0] ?? '').fields.map((h) => h.trim());
  const column = (key: string) => header.findIndex((h) => headerNames[key]!.includes(h));
  const cols = { diagnosis: column('diagnosis'), principalProcedure: column('principalProcedure'), relatedProcedures: column('relatedProcedures'), score: column('score'), basic: column('basic'), name: column('name') };
  for (const key of ['diagnosis', 'principalProcedure', 'score'] as const) {
    if (cols[key] === -1) throw new Error(`${fileName} line 1: the header has no "${key}" column (${headerNames[key]!.join(' / ')})`);
  }
  const packets: Packet[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = parseQuoted(lines[i]!).fields.map((c) => c.trim());
    const where = `${fileName} line ${i + 1}`;
    const diagnosis = cells[cols.diagnosis] ?? '';
    if (diagnosis === '') throw new Error(`${where}: diagnosis is empty`);
    const principal = cells[cols.principalProcedure] ?? '';
    const related = cols.relatedProcedures === -1 ? [] : (cells[cols.relatedProcedures] ?? '').split(/[+|;]/).map((c) => c.trim()).filter((c) => c !== '').sort();
    const score = Number(cells[cols.score]);
    if (!(cells[cols.score] !== '' && Number.isFinite(score) && score > 0)) throw new Error(`${where}: score "${cells[cols.score] ?? ''}" must be a positive number`);
    const basic = cols.basic !== -1 && /^(1|true|yes|是)$/i.test(cells[cols.basic] ?? '');
    const name = cols.name === -1 ? '' : (cells[cols.name] ?? '');
    const comprehensive = (comprehensiveClasses as readonly string[]).includes(principal);
    let packet: Packet;
    if (comprehensive) {
      if (diagnosis.includes('.')) throw new Error(`${where}: a comprehensive packet (class ${principal}) takes a 3-character category, not ${diagnosis}`);
      if (related.length > 0) throw new Error(`${where}: a comprehensive packet has no related procedures`);
      const id = comprehensiveKey(diagnosis, principal as ComprehensiveClass);
      packet = { id, kind: 'comprehensive', definition: { kind: 'comprehensive', category: diagnosis, procedureClass: principal as ComprehensiveClass, text: name || `diagnosis category ${diagnosis}, ${principal} — comprehensive packet (综合病种)` }, basic, score, cases: 0, meanCost: 0, cv: 0 };
    } else {
      const id = coreKey(baseKey(diagnosis, principal === '' ? null : principal), related);
      packet = { id, kind: 'core', definition: { kind: 'core', stage: 'basic', diagnosis, principal: principal === '' ? null : principal, related, text: name || `principal diagnosis ${diagnosis}${principal ? `, principal procedure ${principal}` : ', no procedure'}${related.length > 0 ? ` with ${related.join(' + ')}` : ''}` }, basic, score, cases: 0, meanCost: 0, cv: 0 };
    }
    const earlier = seen.get(packet.id);
    if (earlier !== undefined) throw new Error(`${where}: packet ${packet.id} repeats line ${earlier}`);
    seen.set(packet.id, i + 1);
    packets.push(packet);
  }
  if (packets.length === 0) throw new Error(`${fileName}: the list has no packet`);
  const core = packets.filter((p) => p.kind === 'core').length;
  return {
    ...catalogHead(policy, { coreThreshold: policy.coreThreshold ?? 0, coreThresholdSource: 'published', minTierCases: policy.minTierCases ?? 0, costTiers: false }),
    referenceYears: [],
    yearWeights: [],
    allCaseMean: [],
    priceLevel: [],
    packets,
    quality: { cases: 0, coreCases: 0, coreCoverage: 0, corePackets: core, comprehensivePackets: packets.length - core, tieredPackets: 0, packetsWithAuxiliary: 0, units: packets.length, riv: 0, rivWithAuxiliary: 0, cvBelowHalf: 0, cvAboveOne: 0, excluded: { noCost: 0, outsideYears: 0, diagnosis: 0 }, ungroupedCases: 0, droppedComprehensive: 0, coverageByThreshold: [] },
    builtAt,
  };
}
