/**
 * Ends the kernel when the process that started it is gone (a Jupyter server
 * killed with SIGKILL cannot ask its kernels to shut down). As ipykernel does on
 * POSIX: the kernel is re-parented when its parent dies, so a changed ppid means
 * nobody can reach this kernel any more.
 */
export function watchParent(onOrphaned: () => void, intervalMs = 1000): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
