// TLS end to end on a real redis-server started with --tls-port and a throwaway PKI made with
// openssl: events flow; a wrong CA, a missing or untrusted client certificate and a wrong server
// name are each refused at once, with the reason, by the publisher and by the subscriber.
import type { RedisOptions } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { redisOptionsFromUrl } from "../../src/connection/redis-url.js";
import { TlsConnectionError } from "../../src/connection/tls-failure.js";
import { createPublisher, PublishError } from "../../src/publisher/index.js";
import { createSubscriber, SubscriberConnectionError } from "../../src/subscriber/index.js";
import { waitFor } from "../subscriber/wait-for.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { makeTestPki, type TestPki } from "../support/tls-certificates.js";

const price = (symbol: string) => ({
  event_type: "price.updated" as const,
  symbol,
  price: "101.5",
  timestamp: "2025-01-18T09:00:00Z",
});

let pki: TestPki;
let server: RedisServerHandle;
const cleanups = cleanupAfterEach();

beforeAll(async () => {
  pki = makeTestPki();
  server = await startRedisServer({
    tls: { certFile: pki.file("server.crt"), keyFile: pki.file("server.key"), caFile: pki.file("ca.crt") },
  });
});
afterAll(async () => {
  await server?.stop();
  pki?.remove();
});

const tlsUrl = () => `rediss://127.0.0.1:${server.tlsPort}`;
const trusted = () => ({
  ca: pki.read("ca.crt"),
  cert: pki.read("client.crt"),
  key: pki.read("client.key"),
  servername: "redis.test",
});

describe("over TLS with a client certificate", () => {
  it("events flow from the publisher to the subscriber", async () => {
    const connection = redisOptionsFromUrl(tlsUrl(), { tls: trusted() });
    const received: string[] = [];
    const subscriber = createSubscriber({ connection, heartbeat: false });
    cleanups.push(() => subscriber.close());
    await subscriber.handle(
      "price.updated.{symbol}",
      (event) => {
        received.push(event.symbol);
      },
      { symbols: ["AAPL"] },
    );
    const publisher = createPublisher({ connection });
    cleanups.push(() => publisher.close());

    const result = await publisher.publish("price.updated.{symbol}", price("AAPL"));

    expect(result).toMatchObject({ status: "published", subscribers: 1 });
    await waitFor(() => received.length === 1, "the event over TLS");
    expect(received).toEqual(["AAPL"]);
  });
});

describe("refused with the reason", () => {
  const cases: [string, () => string | RedisOptions, string, RegExp][] = [
    [
      "a CA that did not sign the server's certificate",
      () => redisOptionsFromUrl(tlsUrl(), { tls: { ...trusted(), ca: pki.read("other-ca.crt") } }),
      "SELF_SIGNED_CERT_IN_CHAIN",
      /not signed by a CA this client trusts/,
    ],
    [
      "a rediss:// URL alone (the system CAs do not know the test CA)",
      () => tlsUrl(),
      "SELF_SIGNED_CERT_IN_CHAIN",
      /not signed by a CA this client trusts/,
    ],
    // With TLS 1.3 the server checks the client's certificate after the client has finished its side of
    // the handshake, so the refusal may arrive as a reset instead of the alert (see the TLS 1.3 test
    // below); TLS 1.2 checks it within the handshake, which makes the alert certain.
    [
      "no client certificate",
      () => redisOptionsFromUrl(tlsUrl(), { tls: { ca: pki.read("ca.crt"), maxVersion: "TLSv1.2" } }),
      "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
      /handshake failure\); does it require a client certificate/,
    ],
    [
      "a client certificate from a CA the server does not trust",
      () =>
        redisOptionsFromUrl(tlsUrl(), {
          tls: {
            ...trusted(),
            cert: pki.read("other-client.crt"),
            key: pki.read("other-client.key"),
            maxVersion: "TLSv1.2",
          },
        }),
      "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
      /refused this client's certificate \(TLS alert: unknown ca\)/,
    ],
    [
      "a server name the certificate is not for",
      () => redisOptionsFromUrl(tlsUrl(), { tls: { ...trusted(), servername: "other.test" } }),
      "ERR_TLS_CERT_ALTNAME_INVALID",
      /not for this name/,
    ],
  ];

  it.each(cases)("publisher: %s", async (_reason, connection, code, message) => {
    const publisher = createPublisher({ connection: connection() });
    cleanups.push(() => publisher.close());

    const failure = publisher.publish("price.updated.{symbol}", price("MSFT"));

    // Not retried until the budget runs out: rejected as soon as the handshake fails.
    await expect(failure).rejects.toBeInstanceOf(PublishError);
    const error = (await failure.catch((e: unknown) => e)) as PublishError;
    expect(error).toMatchObject({ attempts: 0, transient: false });
    expect(error.cause).toBeInstanceOf(TlsConnectionError);
    expect(error.cause).toMatchObject({ code });
    expect(error.message).toMatch(message);
    expect(publisher.stats()).toMatchObject({ buffered: 0 });
  });

  it.each(cases)("subscriber: %s", async (_reason, connection, code, message) => {
    const errors: Error[] = [];
    const subscriber = createSubscriber({ connection: connection(), onError: (e) => errors.push(e) });
    cleanups.push(() => subscriber.close());

    await waitFor(() => errors.length > 0, "a connection error");

    expect(errors[0]).toBeInstanceOf(SubscriberConnectionError);
    expect(errors[0]?.cause).toBeInstanceOf(TlsConnectionError);
    expect(errors[0]?.cause).toMatchObject({ code });
    expect(errors[0]?.message).toMatch(message);
  });
});

describe("client certificates over TLS 1.3", () => {
  it.each([
    ["no client certificate", { ca: "ca.crt" }, /peer did not return a certificate/],
    [
      "a client certificate from a CA the server does not trust",
      { ca: "ca.crt", cert: "other-client.crt", key: "other-client.key" },
      /certificate verify failed/,
    ],
  ])("%s: the server refuses and logs why; the subscriber reports it", async (_reason, files, logged) => {
    const tls = Object.fromEntries(Object.entries(files).map(([option, file]) => [option, pki.read(file)]));
    const errors: Error[] = [];
    const subscriber = createSubscriber({
      connection: redisOptionsFromUrl(tlsUrl(), { tls }),
      onError: (e) => errors.push(e),
    });
    cleanups.push(() => subscriber.close());
    const subscribed = subscriber.handle("signals.generated", () => {});
    subscribed.catch(() => undefined);

    await waitFor(() => errors.length > 0 && logged.test(server.output()), "the refusal on both sides");

    expect(errors[0]).toBeInstanceOf(SubscriberConnectionError);
    // The alert, or a reset when the client wrote HELLO before the alert arrived.
    expect(errors[0]?.message).toMatch(
      /TLS alert|ECONNRESET|socket disconnected|requires a client certificate/,
    );
    expect(subscriber.stats()).toMatchObject({ delivered: 0 });
  });
});
