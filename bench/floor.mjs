#!/usr/bin/env node
// The parse floor: the least a JSON Lines tool can do with its input. Streams each input file,
// JSON.parse's every line and writes one small JSON line per record ({"line":n,"listId":…}), on
// one thread, with plain Node (nothing to compile). The ratio bench runs it beside each command on
// the same files in the same run, so a figure is judged against this machine's own limit.
//
// usage: node bench/floor.mjs OUTPUT INPUT...   (prints the record count)
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';

const [output, ...inputs] = process.argv.slice(2);
if (!output || inputs.length === 0) {
  process.stderr.write('usage: node bench/floor.mjs OUTPUT INPUT...\n');
  process.exit(2);
}
const out = createWriteStream(output);
let records = 0;
let batch = '';
async function flush() {
  if (!out.write(batch)) await once(out, 'drain');
  batch = '';
}
for (const input of inputs) {
  let carry = '';
  for await (const chunk of createReadStream(input, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + chunk;
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      if (newline > start) {
        const record = JSON.parse(text.slice(start, newline));
        batch += `{"line":${++records},"listId":${JSON.stringify(record.listId ?? null)}}\n`;
      }
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = text.slice(start);
    if (batch.length > 1 << 16) await flush();
  }
  if (carry.trim() !== '') {
    const record = JSON.parse(carry);
    batch += `{"line":${++records},"listId":${JSON.stringify(record.listId ?? null)}}\n`;
  }
}
await flush();
out.end();
await once(out, 'finish');
process.stdout.write(`${records}\n`);
