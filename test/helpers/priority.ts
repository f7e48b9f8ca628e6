/**
 * The sandbox stands for EnKash, which runs on machines of its own: its clock is what "EnKash saw" is
 * measured by. Sharing two cores with the test runner, other suites and a CPU-bound neighbour, its event
 * loop stalls and stamps requests that arrived apart as one burst (a 252 ms stall turned a paced 50/s
 * into 57 in one second in the 100,000-row soak at load 15-20): the fake's starvation, not a burst the
 * clients sent. A higher CPU priority keeps it answering like a machine of its own, while the clients
 * under test keep normal priority. Lowering a nice value needs root (CI runs as root); where it is
 * refused everything runs at normal priority.
 */
import { getPriority, setPriority } from 'node:os';

/** The nice value the measuring process is given where permitted. */
const INSTRUMENT_NICE = -10;

/** Raises `pid`'s CPU priority (default: this process); returns whether it was permitted. */
export function raisePriority(pid = 0): boolean {
  try {
    setPriority(pid, INSTRUMENT_NICE);
    return true;
  } catch {
    return false;
  }
}

/** Gives `pid` back the normal priority (always permitted: it only lowers it). */
export function normalPriority(pid: number | undefined, nice = 0): void {
  if (pid === undefined) return;
  try {
    if (getPriority(pid) !== nice) setPriority(pid, nice);
  } catch {
    // The process has already exited.
  }
}
