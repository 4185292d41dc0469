/**
 * Output workbooks (.xlsx) written on a worker thread while the caller goes on with its other
 * files. exceljs takes ~0.4 s of CPU to load: loaded with the command it delayed every run's start
 * (and the worker threads waiting for it); loaded here, on its own thread, it costs the run only
 * what the second core was not doing. The bytes are those of `writeXlsx` (lib/xlsx.ts), which
 * the worker runs.
 */
import type { Worker } from 'node:worker_threads';
import { startWorkers } from './worker-pool.ts';
import type { SheetTable } from './xlsx.ts';

export interface WorkbookWriter {
  /** Write `sheets` to `file` on the writer's thread; resolves once the file is complete. */
  write(file: string, sheets: readonly SheetTable[]): Promise<void>;
  /** Stop the thread (after the writes the caller awaited). */
  close(): Promise<void>;
}

/** Start the writer's thread now (it loads exceljs at once, before the first workbook is asked for). */
export function startWorkbookWriter(): WorkbookWriter {
  const [worker] = startWorkers(new URL('./xlsx-worker.mjs', import.meta.url), 1) as [Worker];
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  worker.on('message', ({ id, error }: { id: number; error?: string }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error === undefined) p?.resolve();
    else p?.reject(new Error(error));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the workbook writer stopped (exit code ${code})`)));
  return {
    write(file, sheets) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const done = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ id, file, sheets });
      return done;
    },
    async close() {
      await worker.terminate();
    },
  };
}
