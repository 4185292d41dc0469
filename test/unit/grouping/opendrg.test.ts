/**
 * The OpenDRG reader and compiler on a small hand-written scheme in OpenDRG's generated form:
 * every local predicate decides the group it should, the scheme's QY rule and fall-through,
 * and what cannot be read is an error naming file and line.
 */
import { describe, expect, it } from 'vitest';
import { SchemeCompileError, type SchemeSources } from '../../../models/grouping/drg/compile.ts';
import { groupCase, type GroupingInput } from '../../../models/grouping/drg/grouper.ts';
import { compileOpenDrg } from '../../../models/grouping/drg/opendrg.ts';
import { parsePython, PySyntaxError } from '../../../models/grouping/drg/py-subset.ts';

const files: Record<string, string> = {
  'Grouper.py': `from drg_group.t.MDC import MDCB
def group(record):

  result=MDCB.group(record)
  if result:
    return result

  message('不符合所有MDC的入组条件，无法入组')
  return '0000'
`,
  'MDC/MDCB.py': `from drg_group.t.Base import message,intersect,SS_VALID
from drg_group.t.ADRG import BB1,BR1

def group(record):
  mdc_zd=["I63.900","I61.000"]
  dept_list=[]
  if not (True and record.zdList[0] in mdc_zd):
    return ''

  message('符合MDCB入组条件')

  result=BB1.group(record)
  if result:
    return result

  if record.ssList and intersect(SS_VALID,record.ssList):
    message('符合BQY入组条件：'+','.join(set(record.ssList).intersection(SS_VALID)))
    return 'BQY'

  result=BR1.group(record)
  if result:
    return result

  message('不符合MDCB的ADRG入组条件')
`,
  'ADRG/BB1.py': `from drg_group.t.Base import message,intersect,SS_VALID
from drg_group.t.DRG import MDCB_DRG

def group(record):
  adrg_zd=[]
  adrg_ss=["01.2401"]
  if True and record.ssList and record.ssList[0] in adrg_ss:
    message('符合BB1入组条件')

    if MDCB_DRG.BB11_group(record):
      return 'BB11'

    if MDCB_DRG.BB1A_group(record):
      return 'BB1A'

    return 'BB1'
  else:
    return ''
`,
  'ADRG/BR1.py': `from drg_group.t.Base import message,intersect,SS_VALID
from drg_group.t.DRG import MDCB_DRG

def group(record):
  adrg_zd=["I63.900","I61.000"]
  if True and record.zdList[0] in adrg_zd and (not record.ssList or not record.ssList[0] in SS_VALID):
    message('符合BR1入组条件')

    if MDCB_DRG.BR11_group(record):
      return 'BR11'

    if MDCB_DRG.BR12_group(record):
      return 'BR12'

    if MDCB_DRG.BR13_group(record):
      return 'BR13'

    if MDCB_DRG.BR14_group(record):
      return 'BR14'

    if MDCB_DRG.BR15_group(record):
      return 'BR15'

    return ''
  else:
    return ''
`,
  'DRG/MDCB_DRG.py': `from drg_group.t.Base import has_mcc,has_cc,intersect
def BB11_group(record):
  return len(record.zdList)>1 and has_mcc(record.zdList[0],record.zdList[1:])
def BB1A_group(record):
  return record.inHospitalTime<5 and record.leavingType in ['2','5']
def BR11_group(record):
    return record.icuHours>120
def BR12_group(record):
  return record.dept=='ICU'
def BR13_group(record):
  return len(record.ssList)>1 and intersect(record.ssList[1:],['96.0400'])
def BR14_group(record):
  return 1<=record.inHospitalTime<=3 and int(record.age)<=17
def BR15_group(record):
  return True
`,
  'DATA/MCC.dat': 'J96.000 1\nR57.000 2\n',
  'DATA/CC.dat': 'E87.100 3\n',
  'DATA/CCE.dat': 'I61.000 1\n',
  'DATA/DRG.dat': 'BB11 颅脑手术，伴严重并发症\nBB1A 颅脑手术，短期转院\nBB1 颅脑手术\nBR11 脑血管病，ICU超过120小时\nBR12 脑血管病，ICU科室\nBR13 脑血管病，气管插管\nBR14 脑血管病，儿童短期\nBR15 脑血管病\n',
  'DATA/SS_VALID.dat': '01.2401 开颅术\n38.9300 静脉导管插入\n',
};
const sources = (override: Record<string, string | undefined> = {}): SchemeSources => {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...files, ...override })) if (v !== undefined) merged[k] = v;
  return { scheme: 'test', files: merged, compiledAt: '2026-01-01T00:00:00.000Z' };
};

const { pack, report } = compileOpenDrg(sources());
const stroke: GroupingInput = { sex: 'M', ageYears: 60, principalDiagnosis: 'I63.900', secondaryDiagnoses: [], procedures: [], lengthOfStay: 8, dischargeDisposition: '1', department: '内科' };
const drgOf = (c: Partial<GroupingInput>) => groupCase(pack, { ...stroke, ...c });

describe('compileOpenDrg on a hand-written scheme', () => {
  it('reads the MDC order, tables, splits and names, and notes what is not a rule', () => {
    expect(pack.mdcs.map((m) => m.code)).toEqual(['MDCB']);
    expect(pack.adrgs.map((a) => [a.code, a.kind, a.fallback])).toEqual([['BB1', 'surgical', 'BB1'], ['BR1', 'medical', null]]);
    expect(report.counts).toMatchObject({ mdcs: 1, adrgs: 2, drgs: 7, mcc: 2, cc: 1, operatingRoomProcedures: 2 });
    expect(report.notes!.map((n) => n.explanation)).toEqual(['no wrapper class: results are taken as Grouper.py returns them']);
  });

  it('splits by MCC (excluded by the principal diagnosis’s table), stay with disposition, else the ADRG’s own group', () => {
    const surgery = { procedures: ['01.2401'] };
    expect(drgOf({ ...surgery, secondaryDiagnoses: ['J96.000'] }).drg).toBe('BB11');
    expect(drgOf({ ...surgery, principalDiagnosis: 'I61.000', secondaryDiagnoses: ['J96.000'] }).drg).toBe('BB1');
    expect(drgOf({ ...surgery, principalDiagnosis: 'I61.000', secondaryDiagnoses: ['J96.000', 'R57.000'] }).drg).toBe('BB11');
    expect(drgOf({ ...surgery, lengthOfStay: 4, dischargeDisposition: '2' }).drg).toBe('BB1A');
    expect(drgOf({ ...surgery, lengthOfStay: 5, dischargeDisposition: '2' })).toMatchObject({ status: 'grouped', adrg: 'BB1', drg: 'BB1' });
    expect(drgOf({ ...surgery, lengthOfStay: 4, dischargeDisposition: '1' }).drg).toBe('BB1');
  });

  it('splits by ICU hours, department, a procedure other than the principal, and stay with age', () => {
    expect(drgOf({ icuHours: 121 }).drg).toBe('BR11');
    expect(drgOf({ icuHours: 120 }).drg).toBe('BR15');
    expect(drgOf({}).drg).toBe('BR15'); // ICU hours not recorded count as 0
    expect(drgOf({ department: 'ICU' }).drg).toBe('BR12');
    expect(drgOf({ procedures: ['96.0400'] }).drg).toBe('BR15'); // the principal procedure does not count
    expect(drgOf({ procedures: ['99.0400', '96.0400'] }).drg).toBe('BR13');
    expect(drgOf({ ageYears: 17, lengthOfStay: 3 }).drg).toBe('BR14');
    expect(drgOf({ ageYears: 18, lengthOfStay: 3 }).drg).toBe('BR15');
    expect(drgOf({ ageYears: 17, lengthOfStay: 0 }).drg).toBe('BR15');
  });

  it('follows the scheme’s own QY rule (any operating-room procedure) by default, and falls through on request', () => {
    const qy = drgOf({ procedures: ['99.0400', '38.9300'] });
    expect(qy).toMatchObject({ status: 'ambiguous', mdc: 'MDCB', drg: 'BQY' });
    expect(qy.trace.find((t) => t.step === 'ambiguous')!.text).toContain('MDC/MDCB.py:16');
    // Fall-through: BR1 itself refuses an operating-room principal procedure, so nothing takes the case.
    expect(groupCase(pack, { ...stroke, procedures: ['38.9300'] }, { ambiguous: 'fallthrough' }).status).toBe('ungroupable');
    expect(groupCase(pack, { ...stroke, procedures: ['99.0400', '38.9300'] }, { ambiguous: 'fallthrough' }).drg).toBe('BR15');
  });

  it('explains the split that decided with its rule text', () => {
    const result = drgOf({ icuHours: 130 });
    const drg = result.trace.find((t) => t.step === 'drg')!.text;
    expect(drg).toContain('DRG/MDCB_DRG.py:6: BR11_group: return record.icuHours>120');
    expect(drg).toContain('ICU hours 130 > 120');
  });

  it('names an ADRG that is referenced but never defined', () => {
    expect(() => compileOpenDrg(sources({ 'ADRG/BR1.py': undefined }))).toThrow(/ADRG BR1 is referenced but never defined/);
  });

  it('names a DRG split that is referenced but never defined', () => {
    const drg = files['DRG/MDCB_DRG.py']!.replace('def BR12_group', 'def BR12_other');
    expect(() => compileOpenDrg(sources({ 'DRG/MDCB_DRG.py': drg }))).toThrow(/ADRG\/BR1\.py:\d+: the DRG split MDCB_DRG\.BR12_group of BR12 is referenced but never defined/);
  });

  it('refuses a condition it cannot read, naming file, line and expression', () => {
    const drg = files['DRG/MDCB_DRG.py']!.replace("record.dept=='ICU'", 'record.bloodType=="A"');
    expect(() => compileOpenDrg(sources({ 'DRG/MDCB_DRG.py': drg }))).toThrow(/DRG\/MDCB_DRG\.py:9: cannot read the condition record\.bloodType=="A"/);
  });

  it('refuses a statement outside the known shapes', () => {
    const adrg = files['ADRG/BR1.py']!.replace("  adrg_zd=[", '  print("x")\n  adrg_zd=[');
    expect(() => compileOpenDrg(sources({ 'ADRG/BR1.py': adrg }))).toThrow(SchemeCompileError);
  });
});

describe('the Python-subset reader', () => {
  it('reads literals, comprehensions, chained comparisons and layout without running anything', () => {
    const [assign, def] = parsePython('x.py', '\uFEFFcodes=["A", \'B\',\n  "C"]\ndef f(record):\n  return 1<=record.icuHours<=120 and [x for x in record.ssList if x in codes]\n');
    expect(assign).toMatchObject({ kind: 'assign', value: { kind: 'list', items: [{ value: 'A' }, { value: 'B' }, { value: 'C' }] } });
    expect(def).toMatchObject({ kind: 'def', name: 'f', body: [{ kind: 'return', value: { kind: 'bool', op: 'and' } }] });
  });

  it('names the file and line of what is outside the subset', () => {
    expect(() => parsePython('y.py', 'x=1\nwhile True:\n  pass\n')).toThrow(PySyntaxError);
    expect(() => parsePython('y.py', 'x=1\nwhile True:\n  pass\n')).toThrow(/^y\.py:2: "while" is outside/);
    expect(() => parsePython('z.py', 'x = "open\n')).toThrow(/^z\.py:1: unterminated string/);
  });
});
