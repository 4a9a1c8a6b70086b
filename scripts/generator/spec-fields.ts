// Reading a plain field of a spec object's raw JSON, which the parser has no accessor for.

/** `json[key]` when it is a string (a channel's or an operation's `title`), else undefined. */
export function stringField(json: unknown, key: string): string | undefined {
  const value = (json as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}
