import { defineConfig } from "vitest/config";

/**
 * The publisher's contract and fault tests (Redis killed, flapping, silent; pipelined replay), run a second
 * time through ioredis's public API only. Not stalled-loop.test.ts: its busy loops cost 7.5 s of CPU a run,
 * and what it proves (reply deadlines) lies above the send path.
 */
const publicSendPathFiles = [
  "test/publisher/publisher.test.ts",
  "test/publisher/pipelining.test.ts",
  "test/publisher/redis-outage.test.ts",
];

export default defineConfig({
  test: {
    // Redis fault tests start and stop real servers; give them room on a shared 2-core machine.
    testTimeout: 120_000,
    // Vitest's default is one worker per core less one: a single worker on this 2-core machine. Most files
    // spend their time waiting on redis-server, child processes and timers, so three workers keep both
    // cores busy (suite wall time 192 s -> ~110 s here).
    maxWorkers: 3,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "package",
          // The type tests (test/**/*.test-d.ts) are checked by `npm run typecheck` (tsc over the whole
          // project, test/ included), which `npm test` runs first: a failed expectTypeOf is a tsc error there.
          // Vitest's own typecheck would run tsc over the same project a second time (~25 s of CPU).
          include: ["test/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "public-send-path",
          include: publicSendPathFiles,
          env: { TRADING_EVENTS_TEST_SEND_PATH: "public" },
        },
      },
    ],
  },
});
