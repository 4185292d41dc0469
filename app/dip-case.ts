/**
 * A checked record's DIP packet (病种分值) under a catalogue: what ingest stores with a case and
 * what `POST /v1/group` answers when a DIP catalogue is active, and the reference data the DIP
 * grouper reads (procedure classes, the rule pack's severity) built once per catalogue user.
 */
import type { DipCatalog } from '../models/grouping/dip/catalog.ts';
import { severityFromPack, type DipInput, type DipReference } from '../models/grouping/dip/cases.ts';
import type { parseProcedureClasses } from '../models/grouping/dip/codes.ts';
import { groupDip } from '../models/grouping/dip/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import type { CaseDip } from '../models/ports.ts';

/** A catalogue in use: its id (sha-256 of the document), the catalogue and its grouping reference. */
export interface ActiveDipCatalog {
  id: string;
  catalog: DipCatalog;
  reference: DipReference;
}

export function dipReference(pack: RulePack, procedureClasses: ReturnType<typeof parseProcedureClasses>): DipReference {
  return { procedureClasses, severity: severityFromPack(pack) };
}

/** A valid record's DIP packet under the active catalogue (no trace: the DRG trace is the one kept). An ungrouped case has no score when the catalogue has no catch-all packet (an imported list). */
export function dipOfCase(active: ActiveDipCatalog, record: DipInput): CaseDip {
  const g = groupDip(active.catalog, record, active.reference, { trace: false });
  return { status: g.status, packet: g.packet, kind: g.kind, score: Number.isFinite(g.score) ? g.score : null, auxiliary: g.auxiliary, catalog: active.id };
}
