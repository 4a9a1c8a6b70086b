// Recognises TLS and certificate failures among connection errors and says in plain words what is
// wrong. They do not go away by retrying, so a publish fails at once instead of waiting for them.

/** The TLS handshake with Redis failed: an untrusted or mismatched certificate on either side. */
export class TlsConnectionError extends Error {
  override readonly name = "TlsConnectionError";
  constructor(
    /** Node's or OpenSSL's code, e.g. SELF_SIGNED_CERT_IN_CHAIN, ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED. */
    readonly code: string,
    /** What is wrong, in plain words. */
    readonly reason: string,
    override readonly cause: unknown,
  ) {
    super(`TLS connection to Redis refused: ${reason} (${code})`);
  }
}

// Node's codes for a server certificate that does not verify against the trusted CAs.
const UNTRUSTED_SERVER_CERTIFICATE = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "INVALID_CA",
]);

const REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  CERT_REVOKED: "the server's certificate is revoked",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "the server requires a client certificate and none was sent",
  // What TLS 1.2 says when no client certificate was sent to a server that requires one.
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE:
    "the server refused the handshake (TLS alert: handshake failure); does it require a client certificate?",
  ERR_SSL_WRONG_VERSION_NUMBER: "the server does not speak TLS on this port",
};

/** The TLS failure an error stands for, or undefined when it is something else (a refused connection...). */
export function asTlsConnectionError(error: unknown): TlsConnectionError | undefined {
  if (error instanceof TlsConnectionError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  const message = (error as Error).message ?? "";
  if (UNTRUSTED_SERVER_CERTIFICATE.has(code)) {
    return new TlsConnectionError(
      code,
      `the server's certificate is not signed by a CA this client trusts (${message}); check the CA file`,
      error,
    );
  }
  const known = REASONS[code];
  if (known !== undefined) return new TlsConnectionError(code, known, error);
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new TlsConnectionError(code, `the server's certificate is not for this name: ${message}`, error);
  }
  if (code.startsWith("ERR_SSL_")) {
    // OpenSSL's text: "...:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../deps/...".
    const alert = /:([^:]*alert[^:]*):/.exec(message)?.[1];
    const reason = alert
      ? `the server refused this client's certificate (TLS alert: ${alert.replace(/^tlsv1\d? alert |^sslv3 alert /, "")})`
      : `the TLS handshake failed: ${message.trim()}`;
    return new TlsConnectionError(code, reason, error);
  }
  return undefined;
}

/** A connection error as reported to users: TLS failures explained, everything else unchanged. */
export function explainConnectionError(error: unknown): unknown {
  return asTlsConnectionError(error) ?? error;
}
