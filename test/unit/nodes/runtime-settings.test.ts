// What the nodes take from Node-RED's settings: their clock and the directory of their state,
// per runtime (no module global that one runtime could set for another).
import fs from 'node:fs';
import path from 'node:path';
import should from 'should';
import type { NodeAPI } from 'node-red';
import { systemClock } from '../../../src/lib/clock';
import { nodeClock, stateDir } from '../../../src/nodes/shared/runtime-settings';
import { VirtualClock } from '../../support/virtual-clock';

const runtime = (settings: Record<string, unknown>): Pick<NodeAPI, 'settings'> => ({ settings: settings as unknown as NodeAPI['settings'] });

describe('runtime settings of the nodes', () => {
  it('the clock: econetatmo.clock when it is one, else the system clock', () => {
    const clock = new VirtualClock({ start: 0 });
    should(nodeClock(runtime({ econetatmo: { clock } }))).equal(clock);
    should(nodeClock(runtime({}))).equal(systemClock);
    should(nodeClock(runtime({ econetatmo: { clock: { now: () => 0 } } }))).equal(systemClock);
    should(nodeClock(runtime({ econetatmo: 'clock' }))).equal(systemClock);
  });

  it('the state: <userDir>/econetatmo, else econetatmo.fallbackDir', () => {
    should(stateDir(runtime({ userDir: '/srv/nr', econetatmo: { fallbackDir: '/tmp/x' } }))).equal(path.join('/srv/nr', 'econetatmo'));
    should(stateDir(runtime({ userDir: '', econetatmo: { fallbackDir: '/tmp/x' } }))).equal('/tmp/x');
  });

  it('with neither, a private temporary directory per runtime, the same for each of its nodes', () => {
    const one = runtime({});
    const other = runtime({});
    const dir = stateDir(one);
    should(stateDir(one)).equal(dir);
    should(stateDir(other)).not.equal(dir);
    should(fs.statSync(dir).isDirectory()).be.true();
    should(path.dirname(dir)).equal(path.dirname(stateDir(other)));
  });
});
