import cliProgress from 'cli-progress';

/** The phases of an import, in order. */
export type Phase = 'read' | 'check' | 'write';

/** Told how an import advances: one phase at a time, each with its total (bytes to read, rows to check or write). */
export interface Progress {
  start(phase: Phase, total: number): void;
  /** `n` more units of the current phase are done. */
  advance(n: number): void;
  /** The current phase is complete. */
  done(): void;
}

const LABEL: Record<Phase, string> = { read: 'read  读取', check: 'check 检查', write: 'write 写入' };
const UNIT: Record<Phase, string> = { read: 'MiB', check: 'rows', write: 'rows' };

const amount = (phase: Phase, n: number) => (phase === 'read' ? (n / 1048576).toFixed(1) : String(Math.round(n)));

/**
 * Progress of an import on `stream` (stderr): on a terminal, a cli-progress bar per phase (with
 * rate and ETA) left on screen when the phase ends; otherwise (a log file, a pipe, CI) a plain
 * line at each tenth of a phase or every `everyMs` (5 s), whichever comes first, once a phase has
 * run for `quietMs` (1 s), so small imports print nothing.
 */
export function progressReporter(stream: NodeJS.WritableStream & { isTTY?: boolean }, opts: { everyMs?: number; quietMs?: number } = {}): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream, opts.everyMs ?? 5_000, opts.quietMs ?? 1_000);
}

function barProgress(stream: NodeJS.WritableStream): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let phase: Phase = 'read';
  let value = 0;
  let total = 0;
  const render = () => bar?.update(value, { shown: amount(phase, value), all: amount(phase, total) });
  return {
    start(p, t) {
      bar?.stop();
      phase = p;
      value = 0;
      total = Math.max(1, t);
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${LABEL[p]} [{bar}] {percentage}% | {shown}/{all} ${UNIT[p]} | ETA {eta_formatted}`,
          hideCursor: false,
          clearOnComplete: false,
          barsize: 30,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { shown: amount(p, 0), all: amount(p, total) });
    },
    advance(n) {
      value = Math.min(total, value + n);
      render();
    },
    done() {
      value = total;
      render();
      bar?.stop();
      bar = undefined;
    },
  };
}

function lineProgress(stream: NodeJS.WritableStream, everyMs: number, quietMs: number): Progress {
  let phase: Phase = 'read';
  let value = 0;
  let total = 1;
  let began = 0;
  let lastLine = 0;
  let lastTenth = 0;
  let printed = false;
  const line = () => {
    const seconds = (Date.now() - began) / 1000;
    const pct = Math.floor((value / total) * 100);
    stream.write(`[import] ${phase} ${pct}% (${amount(phase, value)}/${amount(phase, total)} ${UNIT[phase]}, ${seconds.toFixed(0)} s)\n`);
    lastLine = Date.now();
    printed = true;
  };
  return {
    start(p, t) {
      phase = p;
      value = 0;
      total = Math.max(1, t);
      began = Date.now();
      lastLine = began;
      lastTenth = 0;
      printed = false;
    },
    advance(n) {
      value = Math.min(total, value + n);
      const now = Date.now();
      if (now - began < quietMs) return;
      const tenth = Math.floor((value / total) * 10);
      if (tenth > lastTenth || now - lastLine >= everyMs) {
        lastTenth = tenth;
        line();
      }
    },
    done() {
      value = total;
      if (printed || Date.now() - began >= quietMs) line();
    },
  };
}

/** Progress that shows nothing. */
export const NO_PROGRESS: Progress = { start() {}, advance() {}, done() {} };
