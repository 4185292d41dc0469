/**
 * Streaming text helpers shared by every reader: split a stream of chunks into lines without
 * ever holding more than one chunk plus one partial line in memory.
 */

/** Decode byte or string chunks to strings (UTF-8, a BOM at the very start dropped). */
export async function* decodeChunks(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

/** One line of input with its 1-based line number (line terminators `\n` or `\r\n` removed). */
export interface NumberedLine {
  lineNumber: number;
  text: string;
}

/** Split decoded chunks into numbered lines. A final line without a terminator is still yielded. */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<NumberedLine> {
  let carry = '';
  let lineNumber = 0;
  for await (const chunk of chunks) {
    let text = carry + chunk;
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      lineNumber++;
      yield { lineNumber, text: text.slice(start, end) };
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = text.slice(start);
    text = '';
  }
  if (carry.length > 0) {
    lineNumber++;
    yield { lineNumber, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
  }
}
