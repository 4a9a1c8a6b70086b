// What the compatibility checker reports: one finding per change, with the directions it breaks.

/**
 * `backward`: consumers built on the old contract reading what producers of the new one send
 * (new strict view ⊆ old tolerant view). `forward`: consumers built on the new contract reading what
 * producers of the old one send (old strict view ⊆ new tolerant view).
 */
export type Direction = "backward" | "forward";

/** How a change moves the set of values a schema accepts. */
export type Effect = "none" | "widened" | "narrowed" | "changed";

export const breaksOf: Record<Effect, readonly Direction[]> = {
  none: [],
  widened: ["backward"], // new producers may send what old consumers refuse
  narrowed: ["forward"], // old producers may send what new consumers refuse
  changed: ["backward", "forward"],
};

export interface Finding {
  /** The kind of change, e.g. `field-added-optional`, `maxLength-tightened`, `channel-removed`. */
  readonly kind: string;
  /** JSON pointer into the spec named by `spec` (the new one when the thing exists there). */
  readonly pointer: string;
  readonly spec: "old" | "new";
  /** The channel's address, or "" for a change to the document as a whole. */
  readonly channel: string;
  /** The field's path in the payload (`/bid`, `/symbols/items`), when the change is inside one. */
  readonly field?: string;
  /** The directions it breaks; empty when the change is compatible. */
  readonly breaks: readonly Direction[];
  /** Who breaks, in words. */
  readonly whom: string;
  /** Why, in one sentence. */
  readonly reason: string;
}

export interface FindingInput {
  kind: string;
  pointer: string;
  spec: "old" | "new";
  channel: string;
  field?: string | undefined;
  breaks: readonly Direction[];
  reason: string;
}

export function finding(input: FindingInput): Finding {
  const { field, ...rest } = input;
  return { ...rest, ...(field !== undefined && field !== "" ? { field } : {}), whom: whomBreaks(input) };
}

function whomBreaks({ breaks, channel }: FindingInput): string {
  const on = channel ? `of ${channel}` : "of every channel";
  const parts: string[] = [];
  if (breaks.includes("backward"))
    parts.push(`consumers ${on} built on the old contract, reading producers on the new one`);
  if (breaks.includes("forward"))
    parts.push(`consumers ${on} built on the new contract, reading producers on the old one`);
  return parts.length > 0 ? parts.join("; ") : "nobody";
}

export function isBreaking(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.breaks.length > 0);
}
