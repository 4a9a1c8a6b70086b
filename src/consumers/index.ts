// Consumer expectations: manifests, the check of a contract against them, and its report.

export { type ConsumerChangeReport, withConsumers } from "./change-report.js";
export {
  type Accepted,
  type ChannelCheck,
  type ConsumerReport,
  checkConsumer,
  type UnknownSubscription,
} from "./check-consumer.js";
export {
  type ConsumerDifference,
  consumerDifferences,
  formatDifferences,
  unaccepted,
} from "./consumer-differences.js";
export { type ContractChannel, contractChannels, type ExtraCheck } from "./contract-channels.js";
export type { Rejection } from "./find-rejections.js";
export { formatConsumerReports } from "./format-report.js";
export type { AcceptedDifference, ConsumerManifest, Subscription } from "./manifest.js";
export { consumersBrokenBy } from "./name-consumers.js";
export { generatedValidatorsAccept, packageContractChannels, packageSpec } from "./package-contract.js";
export { defaultConsumersDir } from "./package-files.js";
export type { UnguaranteedRead } from "./read-guarantees.js";
export { ManifestError, parseManifest, readManifest } from "./read-manifest.js";
export { readManifests } from "./read-manifests.js";
