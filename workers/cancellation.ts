// A task's cancellation is one AbortSignal (task-control.ts): every wait and every read of the task ends
// as soon as it aborts, with the one error below, however long the wait or the read would have taken.

/** The task was cancelled; a read it abandoned may still be running on its connection. */
export class TaskCancelled extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'TaskCancelled';
  }
}

/** The error a cancelled task ends with. */
export function cancellation(signal: AbortSignal): TaskCancelled {
  return signal.reason instanceof TaskCancelled ? signal.reason : new TaskCancelled();
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancellation(signal);
}

/** Settles as `work` does, or rejects with TaskCancelled as soon as `signal` aborts (the work itself goes on). */
export function unlessCancelled<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(cancellation(signal));
      // Its own failure, later, is no longer anyone's to handle.
      work.catch(() => undefined);
      return;
    }
    const abort = () => reject(cancellation(signal));
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Waits `ms`, or rejects with TaskCancelled as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slept = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return unlessCancelled(slept, signal).finally(() => clearTimeout(timer));
}
