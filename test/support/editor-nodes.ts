// Nodes as the editor saves them (every field it writes), for the flows that the real-process
// tests deploy and the browser tests import: an inject that fires only when asked, a measure node
// that reads on demand, a debug node to the sidebar or the log.
import type { FlowNode } from './node-red-process';

/** Where a node sits: its tab (`z`, left out where the importer sets it) and canvas position. */
interface Placed {
  id: string;
  z?: string;
  x: number;
  y: number;
}

/** An inject node with no repeat, not fired at start; `payloadType` adds the editor's payload fields. */
export function injectNode(n: Placed & { name: string; props: Array<Record<string, string>>; payloadType?: string; wires: string[][] }): FlowNode {
  const payload = n.payloadType === undefined ? {} : { payload: '', payloadType: n.payloadType };
  return {
    id: n.id,
    type: 'inject',
    z: n.z,
    name: n.name,
    props: n.props,
    repeat: '',
    crontab: '',
    once: false,
    onceDelay: 0.1,
    topic: '',
    ...payload,
    x: n.x,
    y: n.y,
    wires: n.wires,
  };
}

/** A measure node with no timer that sends every bucket of each read (its other fields default to a new node's). */
export function measureOnDemand(n: Placed & { account?: string; moduleId?: string; deviceId?: string; types?: string; wires: string[][] }): FlowNode {
  return {
    id: n.id,
    type: 'econetatmo-measure',
    z: n.z,
    name: '',
    account: n.account ?? '',
    moduleId: n.moduleId ?? '',
    deviceId: n.deviceId ?? '',
    types: n.types ?? 'sum_energy_elec,sum_energy_elec$0,sum_energy_elec$1,sum_energy_elec$2',
    scale: '30min',
    interval: 0,
    emit: 'all',
    x: n.x,
    y: n.y,
    wires: n.wires,
  };
}

/** An active debug node showing the message property `complete` in the sidebar or the process log. */
export function debugNode(n: Placed & { name: string; complete: string; to: 'sidebar' | 'console' }): FlowNode {
  return {
    id: n.id,
    type: 'debug',
    z: n.z,
    name: n.name,
    active: true,
    tosidebar: n.to === 'sidebar',
    console: n.to === 'console',
    tostatus: false,
    complete: n.complete,
    targetType: 'msg',
    statusVal: '',
    statusType: 'auto',
    x: n.x,
    y: n.y,
    wires: [],
  };
}
