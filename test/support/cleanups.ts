// Undo what a test set up (servers, clients, temp dirs), newest first, after each test, even when
// it failed: call once at the top of a test file and push onto the returned list.
import { afterEach } from "vitest";

export function cleanupAfterEach(): (() => unknown)[] {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}
