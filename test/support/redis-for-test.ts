// A throwaway redis-server stopped by the test file's cleanup list after each test.
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";

export async function redisServerForTest(cleanups: (() => unknown)[]): Promise<RedisServerHandle> {
  const handle = await startRedisServer();
  cleanups.push(() => handle.stop());
  return handle;
}
