// `npm run demo`: the package's main job end to end on a real Redis. Typed publishing of every
// channel's spec example, validated receiving, an invalid message refused at publish and another
// rejected at receive, then a Redis outage: signals go to the fallback buffer and are replayed in order.
import { Redis } from "ioredis";
import {
  type ChannelName,
  type ChannelPayloads,
  channelNames,
  channels,
  contractVersion,
} from "../generated/index.js";
// The package's public entry point, as a service imports it.
import {
  ContractValidationError,
  createPublisher,
  createSubscriber,
  formatReasons,
  type InvalidMessage,
  type Publisher,
  type Subscriber,
} from "../src/index.js";
import { type DemoRedis, ownRedis, proxiedRedis } from "./demo/demo-redis.js";
import { createInbox, type Inbox } from "./demo/inbox.js";

/** Nothing in the demo waits longer than this for Redis or a message: past it, the demo failed. */
const WAIT_MS = 30_000;
const OUTAGE_SIGNALS = 3;

const say = (line = "") => console.log(line);
const indent = (lines: string[]) => lines.map((l) => `      ${l}`);
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

interface Received {
  channel: ChannelName;
  address: string;
  event: ChannelPayloads[ChannelName];
}

/** One line on what an event says, as a consumer would read it. */
function summary({ channel, event }: Received): string {
  const e = event as unknown as Record<string, unknown>;
  switch (channel) {
    case "signals.generated":
      return `strategy ${e.strategy_id}: ${count(e.num_signals as number, "signal")} for ${(e.symbols as string[]).join(", ")}`;
    case "orders.executed":
      return `run ${e.run_id}: ${e.num_accepted}/${e.num_orders} orders accepted`;
    case "positions.updated":
      return `${e.symbol} ${e.action} ${e.qty_change} @ ${e.price}, now ${e.new_qty}`;
    case "price.updated.{symbol}":
      return `${e.symbol} mid price ${e.price}`;
  }
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  const redis = redisUrl ? await proxiedRedis(redisUrl) : await ownRedis();
  const cleanup: (() => Promise<unknown>)[] = [() => redis.close()];
  try {
    await runDemo(redis, cleanup);
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

async function runDemo(redis: DemoRedis, cleanup: (() => Promise<unknown>)[]): Promise<void> {
  say(`@trading-platform/events demo — contract ${contractVersion}`);
  say(`Redis: ${redis.description}.`);
  say();

  const inbox = createInbox<Received>(WAIT_MS);
  const invalid = createInbox<InvalidMessage>(WAIT_MS);
  const subscriber = await subscribeToEveryChannel(redis, inbox, invalid, cleanup);
  const publisher = createDemoPublisher(redis, cleanup);

  await publishEveryFirstExample(publisher, inbox);
  await showInvalidPublishRefused(publisher);
  await showMalformedMessageRejected(redis, invalid);
  await showOutageBufferedAndReplayed(redis, publisher, inbox);
  sayTotals(publisher, subscriber);
}

/** Step 1: one subscriber for every channel; what it accepts goes to `inbox`, what it rejects to `invalid`. */
async function subscribeToEveryChannel(
  redis: DemoRedis,
  inbox: Inbox<Received>,
  invalid: Inbox<InvalidMessage>,
  cleanup: (() => Promise<unknown>)[],
): Promise<Subscriber> {
  let connectionLostShown = false;
  const subscriber = createSubscriber({
    connection: redis.url,
    onInvalid: (message) => invalid.push(message),
    onGap: (gap) => say(`      subscriber: reconnected and resubscribed to ${gap.topics.join(", ")}`),
    onError: (error) => {
      // Connection errors repeat while Redis is down; one line says it.
      if (!connectionLostShown) say(`      subscriber: ${error.message} (reconnecting)`);
      connectionLostShown = true;
    },
  });
  cleanup.push(() => subscriber.close());
  for (const channel of channelNames) {
    await subscriber.handle(channel, (event, context) => {
      inbox.push({ channel, address: context.address, event: event as ChannelPayloads[ChannelName] });
    });
  }
  await subscriber.subscribed();
  say("1. A subscriber listens on every channel (price.updated.* by pattern); every message is checked");
  say("   against the contract before a handler sees it.");
  say();
  return subscriber;
}

function createDemoPublisher(redis: DemoRedis, cleanup: (() => Promise<unknown>)[]): Publisher {
  const publisher = createPublisher({
    connection: redis.publisherUrl,
    // A replayed signal right after Redis is back must not go out before the subscriber has resubscribed.
    channels: { "signals.generated": { buffer: true, minSubscribers: 1 } },
    retry: { maxAttempts: 3, initialDelayMs: 50, maxElapsedMs: 500 },
    replay: { initialDelayMs: 100, maxDelayMs: 500 },
  });
  cleanup.push(() => publisher.close());
  return publisher;
}

/** Step 2: the spec's own examples are valid by definition, so each must arrive unchanged. */
async function publishEveryFirstExample(publisher: Publisher, inbox: Inbox<Received>): Promise<void> {
  say("2. Each channel's first example from asyncapi.yaml, published and received:");
  for (const channel of channelNames) {
    const example = channels[channel].examples[0];
    if (!example) throw new Error(`no example for ${channel}`);
    const result = await publisher.publish(channel, example.payload as never);
    if (result.status !== "published") throw new Error(`${channel}: ${result.status}, expected published`);
    say(
      `   → published ${result.channel} (${count(result.subscribers, "subscriber")}, event_id ${result.eventId})`,
    );
    const received = await inbox.next(`the ${channel} example`);
    say(`   ← received  ${received.address}: ${summary(received)}`);
  }
  say();
}

/** Step 3: the publisher validates before sending, so a bad event never reaches Redis. */
async function showInvalidPublishRefused(publisher: Publisher): Promise<void> {
  say("3. An invalid event is refused at publish; nothing reaches Redis:");
  const position = channels["positions.updated"].examples[0]?.payload;
  const wrongPosition = { ...position, action: "short", qty_change: 1.5 };
  say(`   publish positions.updated ${JSON.stringify({ action: "short", qty_change: 1.5 })}`);
  try {
    await publisher.publish("positions.updated", wrongPosition as never);
    throw new Error("the invalid position was published");
  } catch (error) {
    if (!(error instanceof ContractValidationError)) throw error;
    say(`   ✗ refused (${error.name}), every reason listed:`);
    say(indent(formatReasons(error.reasons)).join("\n"));
  }
  say();
}

/** Step 4: a sender that bypasses the publisher is still caught, by the subscriber's own check. */
async function showMalformedMessageRejected(redis: DemoRedis, invalid: Inbox<InvalidMessage>): Promise<void> {
  say("4. A malformed message sent around the publisher (raw PUBLISH) is rejected at receive:");
  const raw = new Redis(redis.url, { lazyConnect: true });
  await raw.connect();
  const malformed = JSON.stringify({
    event_type: "orders.executed",
    timestamp: "2025-01-18 09:00:00",
    run_id: "run-42",
    strategy_id: "alpha_baseline",
    num_orders: -1,
  });
  await raw.publish("orders.executed", malformed);
  await raw.quit();
  say(`   raw PUBLISH orders.executed ${malformed}`);
  const rejected = await invalid.next("the malformed orders.executed message");
  say(`   ✗ rejected by the subscriber on ${rejected.address}; no handler saw it:`);
  say(indent(formatReasons(rejected.reasons)).join("\n"));
  say();
}

/** Step 5: signals published while Redis is down are buffered, then replayed in publish order. */
async function showOutageBufferedAndReplayed(
  redis: DemoRedis,
  publisher: Publisher,
  inbox: Inbox<Received>,
): Promise<void> {
  say(`5. Redis goes away: ${redis.outageDescription}.`);
  publisher.on("replayed", (event) => {
    say(`   ↻ replayed ${event.channel} event_id ${event.eventId} (${event.bufferSize} left in the buffer)`);
  });
  await redis.beginOutage();
  const sentDuringOutage = await publishSignalsDuringOutage(publisher);
  say(`   ${redis.recoveryDescription}`);
  await redis.endOutage();
  const afterOutage: Received[] = [];
  for (let n = 1; n <= OUTAGE_SIGNALS; n++) afterOutage.push(await inbox.next(`replayed signal ${n}`));
  // A subscriber can hear a message before the publisher has read PUBLISH's reply.
  await waitUntilBufferIsEmpty(publisher);
  for (const received of afterOutage) say(`   ← received  ${received.address}: ${summary(received)}`);
  assertReceivedInPublishOrder(afterOutage, sentDuringOutage);
  say(
    `   All ${OUTAGE_SIGNALS} buffered signals were replayed and received in the order they were published.`,
  );
  say();
}

/** Publishes OUTAGE_SIGNALS signals that must all be buffered; returns their event ids in publish order. */
async function publishSignalsDuringOutage(publisher: Publisher): Promise<string[]> {
  const signalExample = channels["signals.generated"].examples[0]?.payload;
  if (!signalExample) throw new Error("no signals.generated example");
  const sentDuringOutage: string[] = [];
  for (let n = 1; n <= OUTAGE_SIGNALS; n++) {
    const signal = { ...signalExample, strategy_id: `outage_run_${n}`, num_signals: n };
    const result = await publisher.publish("signals.generated", signal);
    if (result.status !== "buffered")
      throw new Error(`signal ${n} was ${result.status} while Redis was down`);
    sentDuringOutage.push(result.eventId);
    say(
      `   → signal ${n} (strategy outage_run_${n}) buffered: ${result.reason}, ` +
        `${result.bufferSize} in the buffer, event_id ${result.eventId}`,
    );
  }
  return sentDuringOutage;
}

function waitUntilBufferIsEmpty(publisher: Publisher): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (publisher.stats().bufferSize === 0) return resolve();
    const timer = setTimeout(() => reject(new Error(`the buffer did not drain in ${WAIT_MS} ms`)), WAIT_MS);
    const off = publisher.on("bufferSize", ({ size }) => {
      if (size !== 0) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function assertReceivedInPublishOrder(received: readonly Received[], sentIds: readonly string[]): void {
  const receivedIds = received.map((r) => (r.event as { event_id?: string }).event_id);
  if (JSON.stringify(receivedIds) !== JSON.stringify(sentIds))
    throw new Error(`replayed out of order: sent ${sentIds.join(", ")}, got ${receivedIds.join(", ")}`);
}

function sayTotals(publisher: Publisher, subscriber: Subscriber): void {
  const p = publisher.stats();
  const s = subscriber.stats();
  say(
    `Publisher: ${p.published} published, ${p.buffered} buffered, ${p.replayed} replayed, ${p.bufferSize} left. ` +
      `Subscriber: ${s.delivered} delivered, ${s.invalid} invalid, ${count(s.reconnects, "reconnect")}.`,
  );
}

main().then(
  () => {
    say("Demo finished.");
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
