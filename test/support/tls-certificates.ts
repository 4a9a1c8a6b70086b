// A throwaway PKI made with openssl for the TLS tests: a CA, a server certificate for redis.test,
// localhost and 127.0.0.1, a client certificate, and a second CA with its own client certificate
// (trusted by nobody). Made once per test file, in a temp dir removed with the returned cleanup.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TestPki {
  readonly dir: string;
  /** Path of a file in the PKI: ca.crt, server.crt/.key, client.crt/.key, other-ca.crt, other-client.crt/.key. */
  file(name: string): string;
  /** The file's bytes, as ioredis's `tls` options take them. */
  read(name: string): Buffer;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, name: string, subject: string): void {
  openssl(dir, [
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-subj",
    subject,
  ]);
}

function makeSigned(dir: string, name: string, ca: string, subject: string, extensions: string): void {
  openssl(dir, ["req", ...EC_KEY, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}.crt`,
    "-CAkey",
    `${ca}.key`,
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ]);
}

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trading-events-pki-"));
  makeCa(dir, "ca", "/CN=trading-events test CA");
  makeCa(dir, "other-ca", "/CN=an untrusted CA");
  makeSigned(
    dir,
    "server",
    "ca",
    "/CN=redis.test",
    "subjectAltName=DNS:redis.test,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  makeSigned(dir, "client", "ca", "/CN=signal-service", "extendedKeyUsage=clientAuth\n");
  makeSigned(dir, "other-client", "other-ca", "/CN=intruder", "extendedKeyUsage=clientAuth\n");
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    file,
    read: (name) => fs.readFileSync(file(name)),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
