import type { ImportProgress, Table } from "./import";

const REDRAW_MS = 100;

function n(value: number): string {
  return value.toLocaleString("en-US");
}

/**
 * On a terminal, one line per table that counts up as rows are read (redrawn in place); elsewhere
 * (a log, a pipe) one plain line per table when it is done.
 */
export function streamProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }): ImportProgress {
  const tty = stream.isTTY === true;
  const state = new Map<Table, { total: number; done: number; started: number; drawn: number }>();
  const line = (table: Table) => {
    const s = state.get(table)!;
    const percent = s.total > 0 ? ` (${Math.floor((100 * s.done) / s.total)}%)` : "";
    return `${`${table}:`.padEnd(10)} ${n(s.done)} of ${n(s.total)} rows read${percent}`;
  };
  return {
    start(table, rows) {
      state.set(table, { total: rows, done: 0, started: performance.now(), drawn: 0 });
      if (tty) stream.write(line(table));
    },
    advance(table, done) {
      const s = state.get(table);
      if (!s) return;
      s.done = done;
      const now = performance.now();
      if (tty && now - s.drawn >= REDRAW_MS) {
        s.drawn = now;
        stream.write(`\r\x1b[2K${line(table)}`);
      }
    },
    finish(table) {
      const s = state.get(table);
      if (!s) return;
      const seconds = ((performance.now() - s.started) / 1000).toFixed(1);
      s.done = s.total;
      stream.write(`${tty ? "\r\x1b[2K" : ""}${line(table)} in ${seconds} s\n`);
    },
  };
}
