import { hasErrno } from './errno.js';

/** Whether a process with this pid exists on this machine (signal 0 only asks, it delivers nothing). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return hasErrno(err, 'EPERM');
  }
}
