// createPublisher as the publisher's contract and fault tests use it: through the send path under test. The
// Vitest project "public-send-path" runs those files again with TRADING_EVENTS_TEST_SEND_PATH=public, so
// that everything they prove also holds where the probe turns the fast path down. Each publisher is checked
// to have taken that path, so neither run can pass on the other path by mistake.
import {
  createPublisher as createPublisherOfPackage,
  type Publisher,
  type PublisherOptions,
  type SendPathOption,
} from "../../src/publisher/index.js";

export const sendPathUnderTest: SendPathOption =
  process.env.TRADING_EVENTS_TEST_SEND_PATH === "public" ? "public" : "auto";

/** createPublisher on a single Redis in classic mode, through the send path under test. */
export function createPublisher(options: PublisherOptions): Publisher {
  const publisher = createPublisherOfPackage({ sendPath: sendPathUnderTest, ...options });
  const want = sendPathUnderTest === "public" ? "public" : "fast";
  const { via } = publisher.stats().sendPath;
  if (via !== want) throw new Error(`the publisher sends via ${via}, not via ${want} as the test run asks`);
  return publisher;
}
