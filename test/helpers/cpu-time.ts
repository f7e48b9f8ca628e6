/**
 * "Refused in bounded time" measured as CPU time of this process (user + system): a CPU-bound neighbour
 * on a shared machine stretches wall time but not the work this process does, so the bound holds under
 * load and still catches a reader that inflates, parses or copies what it should refuse.
 */
export async function cpuTimed<T>(run: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(before);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

/** CPU milliseconds of this process since `before` (a `process.cpuUsage()` reading). */
export function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}
