// The demo's mailbox between the subscriber's handlers and the script that checks what arrived.

export type Inbox<T> = ReturnType<typeof createInbox<T>>;

/** Events as the subscriber hands them over, awaited one at a time and in order; each wait ends after `waitMs`. */
export function createInbox<T>(waitMs: number) {
  const items: T[] = [];
  const waiters: ((item: T) => void)[] = [];
  return {
    push(item: T) {
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else items.push(item);
    },
    next(what: string): Promise<T> {
      const item = items.shift();
      if (item !== undefined) return Promise.resolve(item);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited ${waitMs} ms for ${what}`)), waitMs);
        waiters.push((received) => {
          clearTimeout(timer);
          resolve(received);
        });
      });
    },
  };
}
