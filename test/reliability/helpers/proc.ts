/** A live process's memory, read from Linux's /proc/<pid>/status. */
import { readFile, writeFile } from 'node:fs/promises';

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM, …); rejects once the process is gone. */
export async function statusKb(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
}

/** Resident memory (VmRSS) of a process in kB (0 once it is gone). */
export async function rssKb(pid: number): Promise<number> {
  return (await statusKb(pid, 'VmRSS').catch(() => 0)) || 0;
}

/** Peak resident memory (VmHWM) of a live process, in MB. */
export async function peakRssMb(pid: number): Promise<number> {
  return Math.round((await statusKb(pid, 'VmHWM')) / 1024);
}

/** Resets a process's VmHWM to its current RSS (Linux `clear_refs` 5), so the next peak is one file's. */
export async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}
