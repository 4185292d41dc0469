/**
 * What an input of settlement records is, by its name and by its first bytes — so a file (or a
 * request body) whose content is not the format its name (or Content-Type) says is refused with
 * one sentence before a record is read, instead of being read as garbage: an `.xlsx` that is JSON
 * Lines text, a `.jsonl` that is a zip, a `.csv` that is binary.
 */
import { detectFormat, type RecordFormat } from '../models/settlement/readers.ts';

/** The Content-Type of .xlsx files. */
export const xlsxMediaType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The formats settlement records come in: the text formats and Excel workbooks. */
export type InputFormat = RecordFormat | 'xlsx';

/** What the first bytes of an input hold. */
export type ContentKind = 'empty' | 'zip' | 'xls' | 'gzip' | 'pdf' | 'utf16' | 'binary' | 'json-object' | 'json-array' | 'text';

/** How many leading bytes `contentKind` looks at. */
export const sniffBytes = 4096;

const startsWith = (head: Uint8Array, magic: readonly number[]): boolean => head.length >= magic.length && magic.every((b, i) => head[i] === b);

/** The kind of content `head` (the first bytes of an input, ideally `sniffBytes` of them) starts. */
export function contentKind(head: Uint8Array): ContentKind {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'xls';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return 'utf16';
  const n = Math.min(head.length, sniffBytes);
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  let first = -1;
  for (let j = i; j < n; j++) {
    const b = head[j]!;
    // NUL and the C0 controls text never holds (tab, line feed, carriage return, form feed are fine).
    if (b === 0 || (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12)) return 'binary';
  }
  for (; i < n; i++) {
    const b = head[i]!;
    if (b !== 0x20 && b !== 9 && b !== 10 && b !== 13) {
      first = b;
      break;
    }
  }
  if (first === -1) return 'empty';
  if (first === 0x7b) return 'json-object';
  if (first === 0x5b) return 'json-array';
  return 'text';
}

/** The format a file's name says (`.xlsx`, `.jsonl`/`.ndjson`, `.json`, `.csv`), or null. */
export function formatOfName(name: string): InputFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.xlsx')) return 'xlsx';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json') || lower.endsWith('.csv')) return detectFormat(lower);
  return null;
}

/** The format of content with no name to go by: a workbook by its zip signature, else as `detectFormat` sniffs text. */
export function formatOfContent(head: Uint8Array): InputFormat {
  if (contentKind(head) === 'zip') return 'xlsx';
  return detectFormat('', new TextDecoder().decode(head.subarray(0, sniffBytes)));
}

export const formatNames: Record<InputFormat, string> = {
  jsonl: 'JSON Lines',
  json: 'JSON',
  csv: 'CSV',
  xlsx: 'an Excel workbook (.xlsx)',
};

const kindNames: Record<ContentKind, string> = {
  empty: 'it is empty',
  zip: 'it is a zip archive (an Excel workbook?)',
  xls: 'it is an old-style Excel 97–2003 workbook (.xls)',
  gzip: 'it is gzip-compressed',
  pdf: 'it is a PDF document',
  utf16: 'it is UTF-16 text',
  binary: 'it holds binary data',
  'json-object': 'it is JSON text',
  'json-array': 'it is a JSON array',
  text: 'it is text that is not JSON (CSV?)',
};

/** What to do about content of a kind no input format takes. */
const kindAdvice: Partial<Record<ContentKind, string>> = {
  xls: 'save it as an Excel Workbook (.xlsx) or as CSV UTF-8',
  gzip: 'decompress it first',
  utf16: 'save it as UTF-8',
};

/** The content kinds each format may start with (an empty input is the reader's business: it holds no records). */
const accepted: Record<InputFormat, readonly ContentKind[]> = {
  xlsx: ['zip'],
  jsonl: ['json-object', 'empty'],
  json: ['json-object', 'json-array', 'empty'],
  csv: ['text', 'empty'],
};

/** Why an input is not the format it claims: `says` ends a sentence about it, `advice` (when there is a better one than naming it after its format) follows. */
export interface ContentMismatch {
  says: string;
  advice: string | null;
}

/**
 * Why content starting with `head` is not `format` ("is not JSON Lines: it is a zip archive (an
 * Excel workbook?)"), or null when it may be.
 */
export function contentMismatch(format: InputFormat, head: Uint8Array): ContentMismatch | null {
  const kind = contentKind(head);
  if (accepted[format].includes(kind)) return null;
  return { says: `is not ${formatNames[format]}: ${kindNames[kind]}`, advice: kindAdvice[kind] ?? null };
}
