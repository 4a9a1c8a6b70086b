// TLS options of a test redis-server: which files it uses and the redis-server arguments they become.

export interface RedisTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA that client certificates must be signed by. */
  readonly caFile: string;
  /** `tls-auth-clients`: "yes" (default) requires a client certificate. */
  readonly authClients?: "yes" | "no" | "optional";
}

export function tlsArgs(tls: RedisTlsFiles, tlsPort: number): string[] {
  return [
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    tls.certFile,
    "--tls-key-file",
    tls.keyFile,
    "--tls-ca-cert-file",
    tls.caFile,
    "--tls-auth-clients",
    tls.authClients ?? "yes",
  ];
}
