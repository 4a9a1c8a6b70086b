#!/usr/bin/env node
// The `trading-events` executable: a thin wrapper that hands the process's streams, environment
// and ctrl-C to runCli and exits with its code.
import { runCli } from "./run-cli.js";

const interrupted = new AbortController();
process.on("SIGINT", () => {
  // A second ctrl-C does not wait for a clean stop.
  if (interrupted.signal.aborted) process.exit(130);
  interrupted.abort();
});
process.on("SIGTERM", () => interrupted.abort());
// A reader that closed stdout early (`| head -n2`) makes Node report EPIPE, sometimes after the command
// returned and runCli stopped listening: the reader's choice, not an error, so it must not crash the process.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupted.signal,
}).then(
  (code) => exit(code),
  (error: unknown) => {
    process.stderr.write(`trading-events: ${(error as Error).stack ?? String(error)}\n`);
    exit(1);
  },
);

function exit(code: number): void {
  process.exitCode = code;
  process.stdin.destroy();
  // Whatever a stopped command left open (a socket still closing) must not keep the process alive.
  setTimeout(() => process.exit(code), 2_000).unref();
}
