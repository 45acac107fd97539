import { readFile } from 'node:fs/promises';

/** Peak resident memory in kB of a running process (VmHWM is the kernel's own high-water mark); null off Linux. */
export async function readPeakRss(pid: number): Promise<number | null> {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
