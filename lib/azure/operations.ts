/**
 * The provisioning engine's entry into Azure: one handler per plan step kind (./steps), each through the Azure SDK
 * only (no hand-written HTTP), and the classification of Azure's errors. Everything the engine needs from lib/azure
 * is exported here.
 */
export { executeStep, readStepResource, STEP_HANDLERS, type StepResult } from "./steps";
export type { AddCheck, DriftItem, StepHandler, StepRunContext } from "./steps/context";
export { armErrorInfo, describeStepError, StepError, type ArmErrorInfo } from "./steps/errors";
export { computeDrift } from "./steps/ml";
export { DELETABLE_KINDS, executeExecutableStep, type ExecutableStep } from "./steps/changes";
