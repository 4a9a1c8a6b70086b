// The ACL users of this contract: its operations (generated from asyncapi.yaml) through aclUsersFor.
import { channelNames, channels } from "../../generated/index.js";
import { type AclUser, aclUsersFor, type ServiceOperation } from "./acl-users.js";

export { type PasswordHashes, renderAclFile, renderSetUserCommands, userRules } from "./acl-file.js";
export {
  AclContractError,
  type AclRole,
  type AclUser,
  aclUsersFor,
  channelPattern,
  type ServiceOperation,
} from "./acl-users.js";
export { consumerAclUser, type DeclaredConsumer, withDeclaredConsumers } from "./consumer-users.js";
export {
  MissingPasswordError,
  PasswordFileError,
  passwordsIn,
  readPasswordHashes,
  sha256Hex,
} from "./password-dir.js";

/** Every send and receive operation of the contract, with its service and its channel's address. */
export function contractOperations(): ServiceOperation[] {
  return channelNames.flatMap((channel) =>
    channels[channel].operations.map(({ service, action }) => ({ service, action, address: channel })),
  );
}

/** The ACL users the contract calls for, sorted by name. */
export function contractAclUsers(): AclUser[] {
  return aclUsersFor(contractOperations());
}
