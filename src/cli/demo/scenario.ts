import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { DeliveryTarget } from '../../runtime/delivery/target.ts';
import type { FlowDefinition } from '../../runtime/flows/definition.ts';

/**
 * What `crossdock demo` plays: targets standing in for connected systems, the flows that feed
 * them, and a seeded source of events. The demo command only runs a scenario, so a later demo
 * (sandboxes, real connectors, the console) is another scenario, not a rewrite.
 */
export interface DemoScenario {
  name: string;
  /** One line for the terminal: what the viewer is looking at. */
  description: string;
  targets: readonly DeliveryTarget[];
  flows: readonly FlowDefinition[];
  /** The `sequence`-th event (0-based) drawn from the seeded `random`. */
  nextEvent(random: () => number, sequence: number): CloudEvent;
  /** Counters the scenario keeps (e.g. updates coalesced); merged into the summary. */
  counters(): Record<string, number>;
}
