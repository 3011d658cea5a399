export { FlowEngine, type FlowEngineOptions } from './engine.ts';
export {
  defineFlow,
  type FlowContext,
  type FlowDefinition,
  type FlowDelivery,
  type FlowEmit,
  type FlowException,
  type StepOptions,
} from './definition.ts';
