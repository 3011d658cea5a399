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
export { OPERATOR_RESOLUTION_EVENT, OperatorDecision, raiseAndAwaitOperator, operatorResolutionEvent, awaitsOperator, type OperatorResolution, type FixableException } from './operator.ts';
