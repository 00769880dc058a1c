// Flows for the real-process tests: an account pointed at the simulator, and what reads through it.
import type { FlowNode } from '../../support/node-red-process';
import { debugNode, injectNode, measureOnDemand } from '../../support/editor-nodes';

export const TAB_ID = 'e2e0tab0000001';
export const ACCOUNT_ID = 'e2eacc00000001';
export const INJECT_ID = 'e2einj00000001';
export const MEASURE_ID = 'e2emea00000001';
export const COUNT_DEBUG_ID = 'e2edbg00000001';
export const COUNT_DEBUG_NAME = 'econetatmo-points';

export interface SimulatorLike {
  url: string;
  clientId: string;
  clientSecret: string;
}

/**
 * inject -> measure (emit all, no timer) -> debug to the console printing the number of points, so
 * the test reads the outcome of each read from the process log.
 */
export function measureFlow(sim: SimulatorLike, moduleId: string): FlowNode[] {
  const deviceId = moduleId.split('#')[0];
  return [
    { id: TAB_ID, type: 'tab', label: 'econetatmo e2e', disabled: false, info: '' },
    { id: ACCOUNT_ID, type: 'econetatmo-account', name: 'e2e account', apiUrl: sim.url },
    injectNode({ id: INJECT_ID, z: TAB_ID, name: 'read now', props: [{ p: 'payload' }], payloadType: 'date', x: 120, y: 80, wires: [[MEASURE_ID]] }),
    measureOnDemand({ id: MEASURE_ID, z: TAB_ID, account: ACCOUNT_ID, moduleId, deviceId, x: 320, y: 80, wires: [[COUNT_DEBUG_ID]] }),
    debugNode({ id: COUNT_DEBUG_ID, z: TAB_ID, name: COUNT_DEBUG_NAME, complete: 'payload.points.length', to: 'console', x: 540, y: 80 }),
  ];
}
