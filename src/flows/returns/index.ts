import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { factsProjection } from './facts.ts';
import { returnsFlow } from './flow.ts';
import { intakeFlow } from './intake.ts';
import { lateReceiptFlow } from './late-receipts.ts';
import { awaitingCreditOrRefundPanel, nearExpiryPanel } from './panels.ts';
import { returnsReport } from './report.ts';

/**
 * Returns (docs/flows/returns.md): a return asked for through a service case or refunded by the
 * storefront is checked for eligibility, authorized in the ERP, expected in the warehouse,
 * received, credited and paid back exactly once, with the case updated at every milestone.
 * Needs `deps.deliveries` (the outcomes of its ERP, WMS and payment commands).
 *
 * @example
 * const world = await startRetailWorld({ modules: (deps) => [createReferenceData(deps), createReturns(deps)] });
 */
export function createReturns(deps: RetailFlowDependencies): RetailFlowModule {
  if (!deps.deliveries) {
    throw new Error('the returns module needs deps.deliveries (the delivery outcomes, e.g. storage.delivery): it refunds only once the credit memo is in the ERP');
  }
  const settings = deps.settings.returns;
  const io = { deliveries: deps.deliveries, deadLetters: deps.deadLetters, maxPauseMs: settings.outcomeCheckMaxSeconds * 1_000, clock: deps.clock };
  return {
    name: 'returns',
    // The facts projection first: for one event it runs before the intake that may read it.
    flows: [
      factsProjection(deps.records, deps.clock),
      intakeFlow({ records: deps.records, settings, systems: deps.systems, clock: deps.clock }),
      returnsFlow({ records: deps.records, settings, systems: deps.systems, io, clock: deps.clock }),
      lateReceiptFlow(deps.records),
    ],
    healthPanels: [awaitingCreditOrRefundPanel(settings), nearExpiryPanel(settings)],
    report: () => returnsReport(deps.records),
  };
}
