/**
 * Worker thread that writes output workbooks (lib/workbook-writer.ts): exceljs is loaded here,
 * not on the thread that computes the tables. Each message `{ id, file, sheets }` is answered
 * `{ id }` once the file is written, or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { writeXlsx, type SheetTable } from './xlsx.ts';

const port = parentPort!;
let queue: Promise<void> = Promise.resolve();

port.on('message', ({ id, file, sheets }: { id: number; file: string; sheets: SheetTable[] }) => {
  // One workbook at a time, in the order asked.
  queue = queue.then(() =>
    writeXlsx(file, sheets).then(
      () => port.postMessage({ id }),
      (error: unknown) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
    ),
  );
});
