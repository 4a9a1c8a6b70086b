// The errors startRedisServer() throws, apart so that the launcher and the callers share one definition.

export class RedisServerStartError extends Error {
  override readonly name: string = "RedisServerStartError";
  readonly port: number;
  readonly output: string;
  constructor(message: string, port: number, output: string, options?: ErrorOptions) {
    super(`${message} (port ${port})\n--- redis-server output ---\n${output}`, options);
    this.port = port;
    this.output = output;
  }
}

/** The port stayed taken by another process through every retry. */
export class RedisServerPortInUseError extends RedisServerStartError {
  override readonly name: string = "RedisServerPortInUseError";
}
