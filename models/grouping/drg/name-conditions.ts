/**
 * Conditions the CHS-DRG 1.1 text states only in a group's name, not in its code lists.
 * This is the one place they live; each entry quotes the clause it comes from. The compiler
 * adds them to the ADRG's alternatives (all alternatives: they are conjunctions).
 *
 * 新生儿 (newborn) means an age of under 29 days, as PB1/PC1/PJ1 state (出生年龄＜29 天); MDCP
 * itself admits ages under one year (PV1: 29 天≤出生年龄＜1 周岁), so the newborn ADRGs carry the
 * newborn age and PV1 the infant age.
 */
import type { Condition } from './pack.ts';

export interface NameCondition {
  conditions: Condition[];
  /** The words of the group's name that state the condition. */
  clause: string;
}

const newborn: Condition = { kind: 'ageDays', max: 28 };

export const nameConditions: Readonly<Record<string, NameCondition>> = {
  PB1: { conditions: [newborn], clause: '新生儿（出生年龄＜29天）心血管手术' },
  PC1: { conditions: [newborn], clause: '新生儿（出生年龄＜29天）腹部手术' },
  PJ1: { conditions: [newborn], clause: '新生儿（出生年龄＜29天）的其他手术' },
  PK1: { conditions: [newborn], clause: '新生儿伴呼吸机支持 (新生儿: 出生年龄＜29天, as PB1)' },
  PR1: { conditions: [newborn], clause: '新生儿呼吸窘迫综合征 (新生儿: 出生年龄＜29天, as PB1)' },
  PS1: { conditions: [newborn, { kind: 'birthWeight', max: 1499 }], clause: '极度发育不全（出生体重＜1500g）' },
  PS2: { conditions: [newborn, { kind: 'birthWeight', min: 1500, max: 1999 }], clause: '早产儿（出生体重1500-1999g）' },
  PS3: { conditions: [newborn, { kind: 'birthWeight', min: 2000, max: 2499 }], clause: '早产儿（出生体重2000-2499g）' },
  PS4: { conditions: [newborn, { kind: 'birthWeight', min: 2500 }], clause: '早产儿（出生体重＞2499g）' },
  PU1: { conditions: [newborn], clause: '足月儿 (a newborn: 出生年龄＜29天, as PB1)' },
  PV1: { conditions: [{ kind: 'ageDays', min: 29 }], clause: '源于新生儿(29天≤出生年龄＜1周岁)诊断的婴儿疾患' },
};
