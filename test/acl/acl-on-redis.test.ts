// The contract's ACL users on a real redis-server started with the aclfile that `trading-events acl
// file` printed: each service can do exactly what its operations say, through the package's own
// publisher, subscriber and CLI, and everything else is refused with NOPERM.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ChannelName, channelNames } from "../../generated/index.js";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { contractAclUsers } from "../../src/acl/index.js";
import { createPublisher, PublishError } from "../../src/publisher/index.js";
import { createSubscriber, SubscribeFailedError } from "../../src/subscriber/index.js";
import { makeEvent } from "../../src/testing/index.js";
import { waitFor } from "../subscriber/wait-for.js";
import { type AclFixture, makeAclFixture } from "../support/acl-fixture.js";
import { cleanupAfterEach } from "../support/cleanups.js";

const users = contractAclUsers();
const publishers = users.filter((u) => u.role === "publisher");
const subscribers = users.filter((u) => u.role === "subscriber");
const channelsOf = (name: string) =>
  channelNames.filter((c) =>
    users.find((u) => u.name === name)?.channels.includes(c.replace(/\{[^}]*\}/g, "*")),
  );
const publisherOf = (channel: ChannelName) =>
  publishers.find((u) => channelsOf(u.name).includes(channel))?.name ?? "";
const sampleAddress = (channel: ChannelName) => channel.replace("{symbol}", "AAPL");
const sample = (channel: ChannelName) => makeEvent(sampleAddress(channel) as never) as never;

let acl: AclFixture;
let server: RedisServerHandle;
const cleanups = cleanupAfterEach();

beforeAll(async () => {
  acl = await makeAclFixture();
  server = await startRedisServer({ args: ["--aclfile", acl.aclFile] });
});
afterAll(async () => {
  await server?.stop();
  acl?.remove();
});

const as = (user: string) => ({
  host: "127.0.0.1",
  port: server.port,
  username: user,
  password: acl.password(user),
});

/** A plain ioredis client of a user, for commands the package never sends. */
async function rawClient(user: string): Promise<Redis> {
  const client = new Redis({ ...as(user), lazyConnect: true, retryStrategy: () => null });
  client.on("error", () => {}); // the test looks at each command's reply
  cleanups.push(() => client.disconnect());
  await client.connect();
  return client;
}

function publisherAs(user: string, buffered: readonly ChannelName[] = []) {
  const publisher = createPublisher({
    connection: as(user),
    channels: Object.fromEntries(buffered.map((c) => [c, { buffer: true }])),
  });
  cleanups.push(() => publisher.close());
  return publisher;
}

describe("publisher users", () => {
  it.each(publishers.map((u) => [u.name]))("%s publishes on each channel it sends", async (user) => {
    const publisher = publisherAs(user);
    for (const channel of channelsOf(user)) {
      await expect(publisher.publish(channel, sample(channel))).resolves.toMatchObject({
        status: "published",
      });
    }
  });

  const foreign = publishers.flatMap((u) =>
    channelNames.filter((c) => !channelsOf(u.name).includes(c)).map((c) => [u.name, c] as const),
  );
  it.each(foreign)(
    "%s cannot publish on %s: NOPERM at once, not retried, not buffered",
    async (user, channel) => {
      const publisher = publisherAs(user, [channel]);
      const failure = await publisher.publish(channel, sample(channel)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PublishError);
      expect(failure).toMatchObject({ attempts: 1, transient: false });
      expect(((failure as PublishError).cause as Error).message).toMatch(/^NOPERM/);
      expect(publisher.stats()).toMatchObject({ buffered: 0 });
    },
  );

  it.each(publishers.map((u) => [u.name]))("%s cannot subscribe, even to its own channel", async (user) => {
    const client = await rawClient(user);
    const own = sampleAddress(channelsOf(user)[0] as ChannelName);
    await expect(client.subscribe(own)).rejects.toThrow(/^NOPERM.*'subscribe'/);
  });
});

describe("subscriber users", () => {
  it.each(subscribers.map((u) => [u.name]))(
    "%s receives each channel it receives; a refused subscription is reported and the others keep working",
    async (user) => {
      const received: string[] = [];
      const errors: Error[] = [];
      const subscriber = createSubscriber({
        connection: as(user),
        heartbeat: false,
        onError: (e) => errors.push(e),
      });
      cleanups.push(() => subscriber.close());
      const mine = channelsOf(user);
      for (const channel of mine) {
        await subscriber.handle(channel, (_event, { address }) => {
          received.push(address);
        });
      }
      // Refused at once, with the reason; the subscriptions already in place are untouched.
      for (const channel of channelNames.filter((c) => !mine.includes(c))) {
        const refusal = await subscriber.handle(channel, () => {}).catch((e: unknown) => e);
        expect(refusal).toBeInstanceOf(SubscribeFailedError);
        expect(refusal).toMatchObject({ topic: channel.replace("{symbol}", "*") });
        expect(((refusal as Error).cause as Error | undefined)?.message).toMatch(/^NOPERM/);
      }
      for (const channel of mine) {
        const result = await publisherAs(publisherOf(channel)).publish(channel, sample(channel));
        expect(result).toMatchObject({ status: "published", subscribers: 1 });
      }
      await waitFor(() => received.length === mine.length, "every event");
      expect(received.sort()).toEqual(mine.map(sampleAddress).sort());
      expect(errors).toEqual([]);
    },
  );

  it.each(subscribers.map((u) => [u.name]))("%s cannot publish, not even a fake price", async (user) => {
    const client = await rawClient(user);
    for (const channel of channelsOf(user)) {
      await expect(client.publish(sampleAddress(channel), "{}")).rejects.toThrow(/^NOPERM.*'publish'/);
    }
  });
});

describe("every user", () => {
  it.each(users.map((u) => [u.name]))("%s: PSUBSCRIBE * is refused", async (user) => {
    const client = await rawClient(user);
    await expect(client.psubscribe("*")).rejects.toThrow(/^NOPERM/);
  });

  const commands: [string, (client: Redis) => Promise<unknown>][] = [
    ["KEYS *", (client) => client.keys("*")],
    ["FLUSHALL", (client) => client.flushall()],
    ["CONFIG GET", (client) => client.config("GET", "maxmemory")],
  ];
  it.each(users.flatMap((u) => commands.map(([name, run]) => [u.name, name, run] as const)))(
    "%s may not run %s",
    async (user, _name, run) => {
      await expect(run(await rawClient(user))).rejects.toThrow(/^NOPERM/);
    },
  );

  it("connecting prints nothing: the ready check's INFO is granted", async () => {
    const warn = vi.spyOn(console, "warn");
    try {
      for (const user of users) await rawClient(user.name);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("the default user is off: without a user nothing runs", async () => {
    const client = new Redis({ port: server.port, lazyConnect: true, retryStrategy: () => null });
    client.on("error", () => {}); // HELLO without AUTH is refused; the PING below shows it
    cleanups.push(() => client.disconnect());
    await client.connect().catch(() => undefined);
    await expect(client.ping()).rejects.toThrow(/NOAUTH|closed/i);
  });

  it("a wrong password fails the publish at once", async () => {
    const user = publishers[0]?.name ?? "";
    const publisher = createPublisher({ connection: { ...as(user), password: "wrong" } });
    cleanups.push(() => publisher.close());
    const failure = await publisher
      .publish(channelsOf(user)[0] as ChannelName, sample(channelsOf(user)[0] as ChannelName))
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ attempts: 0, transient: false });
    expect(((failure as PublishError).cause as Error).message).toMatch(/^WRONGPASS/);
  });
});
