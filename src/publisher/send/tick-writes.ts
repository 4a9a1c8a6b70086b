// How the fast path's PUBLISHes reach a connection's socket within one tick of the event loop. A socket
// write per PUBLISH was the largest cost per message at full speed, and one write for a whole tick held a
// burst's first messages back until the tick's code was done and then made Redis run them all after it,
// which lengthened the latency tail (bench section 4). So a tick's first PUBLISHes leave at once, one write
// each, and Redis runs them while this process sends the rest; past WRITTEN_AT_ONCE_PER_TICK, the rest of
// the tick's are corked and leave in one write when the tick's code is done. A connection that stays that
// busy is flooded (the last tick that sent anything went past the limit on it): throughput is what matters
// there, so its next tick writes its first PUBLISH at once and the rest together, as one write per tick did
// (bench section 2), until a tick stays within the limit.
//
// It relies on ioredis writing a command sent with sendCommand to the connection's `stream` at once, which
// is why only the fast path (ioredis-internals.ts, probed at start-up) uses it.
import type { Redis } from "ioredis";

/** The PUBLISHes a tick writes at once on a connection that is not flooded. */
export const WRITTEN_AT_ONCE_PER_TICK = 32;
/** The PUBLISHes a tick writes at once on a flooded connection: only its first. */
export const WRITTEN_AT_ONCE_WHEN_FLOODED = 1;

type Socket = NonNullable<Redis["stream"]>;

/** One tick's writes on one socket. */
interface TickOfSocket {
  readonly socket: Socket;
  /** How many PUBLISHes leave at once this tick; later ones are corked. */
  readonly atOnce: number;
  sent: number;
}

/**
 * Call the returned function with the connection before each send. There are at most a few sockets per
 * tick (one per cluster master), so they are kept in lists, searched from the front.
 */
export function tickWrites(): (connection: Redis) => void {
  const ticks: TickOfSocket[] = [];
  // The sockets on which the last tick that sent anything went past WRITTEN_AT_ONCE_PER_TICK.
  const flooded: Socket[] = [];

  const endTick = () => {
    flooded.length = 0;
    for (const tick of ticks) {
      if (tick.sent > tick.atOnce) tick.socket.uncork();
      if (tick.sent > WRITTEN_AT_ONCE_PER_TICK) flooded.push(tick.socket);
    }
    ticks.length = 0;
  };

  const startTick = (socket: Socket): TickOfSocket => {
    if (ticks.length === 0) process.nextTick(endTick);
    const atOnce = flooded.includes(socket) ? WRITTEN_AT_ONCE_WHEN_FLOODED : WRITTEN_AT_ONCE_PER_TICK;
    const tick = { socket, atOnce, sent: 0 };
    ticks.push(tick);
    return tick;
  };

  return (connection) => {
    const socket = connection.stream;
    if (socket === undefined) return;
    const tick = tickOf(ticks, socket) ?? startTick(socket);
    tick.sent += 1;
    if (tick.sent === tick.atOnce + 1) socket.cork();
  };
}

// A loop, not Array#find: this runs once per PUBLISH.
function tickOf(ticks: readonly TickOfSocket[], socket: Socket): TickOfSocket | undefined {
  for (const tick of ticks) if (tick.socket === socket) return tick;
  return undefined;
}
