// cluster-key-slot ships no types: the one function this package uses.
declare module "cluster-key-slot" {
  /** The Redis Cluster hash slot (0-16383) of a key or shard channel, honouring {hash tags}. */
  export default function calculateSlot(key: string | Buffer): number;
}
