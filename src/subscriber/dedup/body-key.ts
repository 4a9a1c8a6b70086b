// The dedup key of a message without an `event_id`: a digest of its raw bytes. The Python producers
// resend byte-identical bodies on retry and replay, so equal bytes are the only sign of a copy.
import crypto from "node:crypto";

/**
 * SHA-1 of the raw body, base64. Chosen by measurement (README, "Deduplication"): Node's native
 * SHA-1 costs about as much as a 53-bit hash in JavaScript, and its 160 bits make a false match
 * (a new message dropped as a copy) practically impossible: about n / 2^160 per message for a
 * window of n keys. Not for security: a producer that wants a message dropped can send a copy.
 */
export function bodyKey(body: Uint8Array): string {
  return hash("sha1", body, "base64");
}

// crypto.hash (one call, no Hash object) exists from Node 20.12; createHash before that.
const hash: (algorithm: string, data: Uint8Array, encoding: "base64") => string =
  typeof crypto.hash === "function"
    ? crypto.hash
    : (algorithm, data, encoding) => crypto.createHash(algorithm).update(data).digest(encoding);
