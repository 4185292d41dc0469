/**
 * Output workbooks (.xlsx) written directly: the XML parts exceljs's streaming writer makes for
 * tables of text and numbers with a bold, frozen header row (the same parts, character for
 * character: test/unit/settlement/xlsx-write.test.ts compares them), zipped with node:zlib.
 * Loading exceljs costs ~0.4 s of CPU, which `payreform simulate` paid at every run for a
 * 50 KB summary.xlsx; writing one this way takes milliseconds. Reading workbooks stays with
 * exceljs (lib/xlsx.ts).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32, deflateRawSync } from 'node:zlib';

/** One sheet of an output workbook. */
export interface SheetTable {
  name: string;
  headers: string[];
  rows: (string | number | null)[][];
}

const declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const relsNs = 'http://schemas.openxmlformats.org/package/2006/relationships';
const officeRel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const sheetType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';

/** XML text as exceljs encodes it: the five entities, and characters XML 1.0 cannot hold dropped. */
function xmlText(text: string): string {
  return /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/.test(text) ? text.replace(/[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/g, (c) => entities[c] ?? '') : text;
}
const entities: Record<string, string> = { '"': '&quot;', '&': '&amp;', "'": '&apos;', '<': '&lt;', '>': '&gt;' };

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
function columnName(n: number): string {
  let name = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) name = String.fromCharCode(65 + ((c - 1) % 26)) + name;
  return name;
}

function rowXml(cells: readonly (string | number | null)[], r: number, bold: boolean): string {
  if (cells.length === 0) return ''; // a row without cells is not written (its number is still used)
  let xml = `<row r="${r}"${cells.length > 0 ? ` spans="1:${cells.length}"` : ''}${bold ? ' s="1" customFormat="1"' : ''} x14ac:dyDescent="0.25">`;
  const style = bold ? ' s="1"' : '';
  for (let c = 0; c < cells.length; c++) {
    const v = cells[c] ?? '';
    const ref = `${columnName(c + 1)}${r}`;
    xml += typeof v === 'number' ? `<c r="${ref}"${style}><v>${xmlText(String(v))}</v></c>` : `<c r="${ref}"${style} t="str"><v>${xmlText(v)}</v></c>`;
  }
  return `${xml}</row>`;
}

function sheetXml(sheet: SheetTable): string {
  const rows = [rowXml(sheet.headers, 1, true), ...sheet.rows.map((row, i) => rowXml(row, i + 2, false))];
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">' +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15" outlineLevelRow="0" outlineLevelCol="0" x14ac:dyDescent="55"/>' +
    `<sheetData>${rows.join('')}</sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup orientation="portrait" horizontalDpi="4294967295" verticalDpi="4294967295" scale="100" fitToWidth="1" fitToHeight="1"/></worksheet>'
  );
}

function contentTypesXml(sheets: number): string {
  const overrides = Array.from({ length: sheets }, (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${sheetType}"/>`).join('');
  return (
    `${declaration}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
    `${overrides}<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`
  );
}

const packageRelsXml = `${declaration}<Relationships xmlns="${relsNs}"><Relationship Id="rId1" Type="${officeRel}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="${relsNs}/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="${officeRel}/extended-properties" Target="docProps/app.xml"/></Relationships>`;

function appXml(names: readonly string[]): string {
  return (
    `${declaration}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>` +
    `<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${names.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${names.length}" baseType="lpstr">${names.map((n) => `<vt:lpstr>${xmlText(n)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts>` +
    '<Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>'
  );
}

function coreXml(now: Date): string {
  const at = now.toISOString().replace(/[.]\d{3}/, '');
  return `${declaration}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>ExcelJS</dc:creator><cp:lastModifiedBy>ExcelJS</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified></cp:coreProperties>`;
}

const stylesXml =
  `${declaration}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">` +
  '<fonts count="2" x14ac:knownFonts="1"><font><color theme="1"/><family val="2"/><scheme val="minor"/><sz val="11"/><name val="Calibri"/></font><font><b/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
  '<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext><ext uri="{9260A510-F301-46a8-8635-F512D64BE5F5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:timelineStyles defaultTimelineStyle="TimeSlicerStyleLight1"/></ext></extLst></styleSheet>';

function workbookRelsXml(sheets: number): string {
  const rels = [`<Relationship Id="rId1" Type="${officeRel}/styles" Target="styles.xml"/>`, `<Relationship Id="rId2" Type="${officeRel}/theme" Target="theme/theme1.xml"/>`];
  for (let i = 0; i < sheets; i++) rels.push(`<Relationship Id="rId${i + 3}" Type="${officeRel}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`);
  return `${declaration}<Relationships xmlns="${relsNs}">${rels.join('')}</Relationships>`;
}

function workbookXml(names: readonly string[]): string {
  const sheets = names.map((n, i) => `<sheet sheetId="${i + 1}" name="${xmlText(n)}" state="visible" r:id="rId${i + 3}"/>`).join('');
  return `${declaration}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${officeRel}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><fileVersion appName="xl" lastEdited="5" lowestEdited="5" rupBuild="9303"/><workbookPr defaultThemeVersion="164011" filterPrivacy="1"/><sheets>${sheets}</sheets><calcPr calcId="171027"/></workbook>`;
}

/** The Office theme exceljs writes into every workbook (its own file, a string module: no exceljs loaded). */
const theme = (): string => createRequire(import.meta.url)('exceljs/lib/xlsx/xml/theme1.js') as string;

/** The DOS date and time of a zip entry. */
function dosDateTime(d: Date): { date: number; time: number } {
  return { date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(), time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1) };
}

/**
 * The fields a zip entry's local header and its central-directory record share, from "version
 * needed" to the name's length (26 bytes), written at `at`.
 */
function writeEntryFields(header: Buffer, at: number, f: { time: number; date: number; crc: number; packed: number; size: number; nameLength: number }): void {
  header.writeUInt16LE(20, at); // version needed: 2.0
  header.writeUInt16LE(0x0800, at + 2); // names in UTF-8
  header.writeUInt16LE(8, at + 4); // deflate
  header.writeUInt16LE(f.time, at + 6);
  header.writeUInt16LE(f.date, at + 8);
  header.writeUInt32LE(f.crc, at + 10);
  header.writeUInt32LE(f.packed, at + 14);
  header.writeUInt32LE(f.size, at + 18);
  header.writeUInt16LE(f.nameLength, at + 22);
}

/** A zip archive of `entries` (deflated), as one buffer. */
function zip(entries: readonly { name: string; text: string }[], now: Date): Buffer {
  const { date, time } = dosDateTime(now);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, text } of entries) {
    const data = Buffer.from(text, 'utf8');
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const fields = { time, date, crc: crc32(data), packed: packed.length, size: data.length, nameLength: nameBytes.length };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, fields);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by: 2.0
    writeEntryFields(entry, 6, fields);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, packed);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

/** Sheet names as Excel allows them: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
}

/** The workbook of `sheets` as the bytes of an .xlsx file (numbers stay numbers; amounts as given, rounded by the caller). */
export function xlsxBytes(sheets: readonly SheetTable[], now = new Date()): Buffer {
  const names = sheets.map((s) => sheetName(s.name));
  return zip(
    [
      { name: 'xl/theme/theme1.xml', text: theme() },
      { name: '_rels/.rels', text: packageRelsXml },
      ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, text: sheetXml(s) })),
      { name: '[Content_Types].xml', text: contentTypesXml(sheets.length) },
      { name: 'docProps/app.xml', text: appXml(names) },
      { name: 'docProps/core.xml', text: coreXml(now) },
      { name: 'xl/styles.xml', text: stylesXml },
      { name: 'xl/_rels/workbook.xml.rels', text: workbookRelsXml(sheets.length) },
      { name: 'xl/workbook.xml', text: workbookXml(names) },
    ],
    now,
  );
}

/** Write `sheets` to an .xlsx file. */
export async function writeXlsx(file: string, sheets: readonly SheetTable[]): Promise<void> {
  writeFileSync(file, xlsxBytes(sheets));
}
