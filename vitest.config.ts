import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Redis fault tests start and stop real servers; give them room on a shared 2-core machine.
    testTimeout: 120_000,
    // Vitest's default is one worker per core less one: a single worker on this 2-core machine. Most files
    // spend their time waiting on redis-server, child processes and timers, so three workers keep both
    // cores busy (suite wall time 192 s -> ~110 s here).
    maxWorkers: 3,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
