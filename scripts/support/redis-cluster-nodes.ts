// What a test cluster's nodes say about themselves: CLUSTER NODES parsed into roles, masters and failures,
// and a slot map reduced to one comparable string. Used by redis-cluster.ts.

export interface ClusterNodeInfo {
  readonly id: string;
  readonly port: number;
  /** pid of the node's process; undefined once it was killed or stopped. */
  readonly pid: number | undefined;
  readonly role: "master" | "replica";
  /** The master a replica follows; undefined for a master. */
  readonly masterId: string | undefined;
  /** The node is gone (killed): other nodes report it as failed. */
  readonly failed: boolean;
}

export function slotMapKey(owners: Map<number, string>): string {
  return [...owners].map(([slot, id]) => `${slot}=${id}`).join(",");
}

/** Parses CLUSTER NODES: `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slots...>`. */
export function parseClusterNodes(text: string): Omit<ClusterNodeInfo, "pid">[] {
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [id = "", address = "", flags = "", master = "-"] = line.split(" ");
      const port = Number(address.split("@")[0]?.split(":").pop());
      const flagList = flags.split(",");
      const role = flagList.includes("master") ? ("master" as const) : ("replica" as const);
      const failed = flagList.includes("fail") || flagList.includes("fail?");
      return { id, port, role, masterId: master === "-" ? undefined : master, failed };
    });
}
