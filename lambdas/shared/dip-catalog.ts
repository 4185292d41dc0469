/**
 * The service's DIP catalogue (病种目录库), as written by `payreform dip build` (from the region's cases) or
 * `payreform dip import` (a published local packet list, which has no catch-all packet).
 *
 * - `PUT /v1/dip-catalog` validates it with the catalogue schema (422 with field paths), stores
 *   it in the lake bucket under `catalogs/dip/<sha256>.json` (the hash of the validated
 *   document: an object is never overwritten, so every catalogue ever activated stays readable)
 *   and then points the one `CATALOG#DIP`/`ACTIVE` item at it — the pointer write is the
 *   activation. Bodies are ≤ 6 MB (API Gateway → Lambda); a larger catalogue is sent gzipped
 *   (`Content-Encoding: gzip`), which shrinks catalogue JSON about tenfold.
 * - Ingest, replay and `POST /v1/group` call `activeDipCatalog()` (and `dipOfCase`, app/dip-case.ts): one GetItem on the pointer per
 *   call, and the catalogue object is read and parsed only when the pointer names another
 *   catalogue than the one cached in this container.
 * - No pointer → no catalogue → cases carry no `dip` field (the behaviour before catalogues).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dipReference, type ActiveDipCatalog } from '../../app/dip-case.ts';
import type { DipReference } from '../../models/grouping/dip/cases.ts';
import { dipCatalogSchema, parseDipCatalog, type DipCatalog } from '../../models/grouping/dip/catalog.ts';
import { parseProcedureClasses } from '../../models/grouping/dip/codes.ts';
import type { DipCatalogSummary, Ports } from '../../models/ports.ts';
import { config } from './config.ts';
import { invalid, malformed, tooLarge } from './errors.ts';
import { zodProblems } from './http.ts';
import * as k from './keys.ts';
import { reference, referenceDirectory } from './reference.ts';
import { counted } from '../../models/text/plural.ts';

export type { DipCatalogSummary } from '../../models/ports.ts';

/** Largest decompressed catalogue accepted (a gzipped body may expand to this). */
const maxCatalogBytes = 64 * 1024 * 1024;

/** The body as text: gunzipped when `Content-Encoding: gzip` (API Gateway passes it base64-encoded). */
export function catalogText(body: string | undefined, isBase64Encoded: boolean, contentEncoding: string | undefined): string {
  if (!body) return '';
  if (!/^\s*(x-)?gzip\s*$/i.test(contentEncoding ?? '')) return isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return gunzipSync(Buffer.from(body, isBase64Encoded ? 'base64' : 'latin1'), { maxOutputLength: maxCatalogBytes }).toString('utf8');
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(`The catalogue expands to more than ${maxCatalogBytes} bytes.`);
    throw malformed('The body is marked Content-Encoding: gzip but is not gzip data.');
  }
}

/** Parse and validate a catalogue document: 400 for broken JSON, 422 with field paths for a wrong document. */
export function readCatalog(text: string): DipCatalog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw malformed(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const parsed = dipCatalogSchema.safeParse(json);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, '', json);
    throw invalid(`The body is not a DIP catalogue as written by "payreform dip build" or "payreform dip import" (${counted(problems.length, 'problem')}).`, problems.slice(0, 100));
  }
  return parsed.data;
}

export function summarise(catalog: DipCatalog, id: string, activatedAt: string): DipCatalogSummary {
  const q = catalog.quality;
  return {
    id, key: k.dipCatalogKey(id), builtAt: catalog.builtAt, activatedAt,
    policy: { name: catalog.policy.name ?? null, version: catalog.policy.version },
    referenceYears: catalog.referenceYears,
    packets: catalog.packets.length,
    corePackets: q.corePackets, comprehensivePackets: q.comprehensivePackets, tieredPackets: q.tieredPackets, packetsWithAuxiliary: q.packetsWithAuxiliary,
    cases: q.cases, coreCoverage: q.coreCoverage, riv: q.riv, rivWithAuxiliary: q.rivWithAuxiliary,
  };
}

/** Store a validated catalogue in S3 and make it the active one. */
export async function activateDipCatalog(catalog: DipCatalog, ports: Pick<Ports, 'objects' | 'dipCatalog'>, now: Date): Promise<DipCatalogSummary> {
  const document = JSON.stringify(catalog);
  const id = createHash('sha256').update(document).digest('hex');
  const summary = summarise(catalog, id, now.toISOString());
  await ports.objects.put(config().LAKE_BUCKET, summary.key, document, 'application/json');
  await ports.dipCatalog.activate(summary);
  return summary;
}

export { dipOfCase, type ActiveDipCatalog } from '../../app/dip-case.ts';

let cached: ActiveDipCatalog | undefined;
let dipRef: DipReference | undefined;

/** Procedure classes (`codes/icd9cm3-procedure-class.dat` of the reference directory) and the rule pack's severity. */
export function dipReferenceOnce(): DipReference {
  dipRef ??= dipReference(reference().pack, parseProcedureClasses(readFileSync(path.join(referenceDirectory(), 'codes', 'icd9cm3-procedure-class.dat'), 'utf8')));
  return dipRef;
}

/** The active catalogue (cached per container, reloaded when the pointer changes), or null. */
export async function activeDipCatalog(ports: Pick<Ports, 'objects' | 'dipCatalog'>): Promise<ActiveDipCatalog | null> {
  const pointer = await ports.dipCatalog.active();
  if (!pointer) return null;
  if (cached?.id === pointer.id) return cached;
  const bytes = await ports.objects.get(config().LAKE_BUCKET, pointer.key);
  if (!bytes) throw new Error(`the active DIP catalogue object ${pointer.key} is missing`);
  const catalog = parseDipCatalog(JSON.parse(Buffer.from(bytes).toString('utf8')));
  cached = { id: pointer.id, catalog, reference: dipReferenceOnce() };
  return cached;
}
