// `npm run demo` as a newcomer runs it: exit 0, each step's outcome printed, the outage signals
// replayed in order, and no redis-server left behind.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");

describe("npm run demo", () => {
  it("walks through publish, receive, both rejections and the outage, and exits 0", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.REDIS_URL; // the demo starts and stops its own server
    const { stdout, stderr } = await run("node", ["--import", "tsx", "scripts/demo.ts"], {
      cwd: root,
      env,
      timeout: 90_000,
    });
    expect(stderr).toBe("");
    const started = /started a throwaway redis-server on redis:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(
      stdout,
    );
    expect(started, stdout).not.toBeNull();
    for (const address of [
      "orders.executed",
      "positions.updated",
      "price.updated.AAPL",
      "signals.generated",
    ]) {
      expect(stdout).toContain(`→ published ${address} (1 subscriber`);
      expect(stdout).toContain(`← received  ${address}: `);
    }
    expect(stdout).toContain("✗ refused (ContractValidationError)");
    expect(stdout).toContain('/action: must be one of "buy", "sell", "fill", "partial_fill"');
    expect(stdout).toContain("✗ rejected by the subscriber on orders.executed");
    expect(stdout).toContain("/num_orders: must be 0 or more [integer.too_small]");
    const received = [...stdout.matchAll(/← received {2}signals\.generated: strategy (outage_run_\d)/g)].map(
      (m) => m[1],
    );
    expect(received).toEqual(["outage_run_1", "outage_run_2", "outage_run_3"]);
    expect(stdout).toContain("3 replayed, 0 left");
    expect(stdout.trimEnd().endsWith("Demo finished.")).toBe(true);

    // The demo's redis-server is gone: signal 0 only checks that the pid no longer exists.
    const pid = Number(started?.[2]);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
