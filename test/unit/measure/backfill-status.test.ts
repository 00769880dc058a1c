// What a backfill tells the user (src/measure/backfill-status.ts): its statuses, its failures and
// its payload's warning, in the node's wording.
import should from 'should';
import { newBackfillState, type BackfillState } from '../../../src/netatmo/backfill';
import { NetatmoError } from '../../../src/netatmo/errors';
import { backfillReport } from '../../../src/measure/backfill-status';
import type { StatusValue } from '../../../src/measure/status';

const T0 = Date.UTC(2025, 5, 3, 10, 2);
const DAY = 24 * 60 * 60_000;

function rig() {
  const statuses: StatusValue[] = [];
  const errors: string[] = [];
  const wording = {
    t: (key: string, params?: Record<string, string>): string => (params ? `${key} ${JSON.stringify(params)}` : key),
    describe: (err: unknown): string => `described: ${err instanceof Error ? err.message : String(err)}`,
  };
  const report = backfillReport(wording, { status: (s) => statuses.push(s), error: (text) => errors.push(text) }, () => T0);
  return { report, statuses, errors };
}

function state(pages: { next: number; buckets: number }): BackfillState {
  const s = newBackfillState({
    nodeId: 'm1',
    query: {
      moduleId: '70:ee:50:aa:bb:cc#2',
      deviceId: '70:ee:50:aa:bb:cc',
      types: ['sum_energy_elec'],
      scale: '1hour',
      dateBegin: T0 - 60 * DAY,
      dateEnd: T0,
    },
    output: 'message',
    partsId: 'p1',
    now: T0,
  });
  return { ...s, ...pages };
}

describe('backfill report', () => {
  it('shows the progress in percent, and a wait for the share of the hour', () => {
    const r = rig();
    const s = state({ next: 1, buckets: 0 });
    r.report.progress(s);
    r.report.waiting(4200);
    should(r.statuses).eql([
      { fill: 'blue', shape: 'ring', text: `status.backfill {"percent":"${Math.floor((100 * 1) / s.pages)}"}` },
      { fill: 'yellow', shape: 'ring', text: 'status.backfillWaiting {"seconds":"5"}' },
    ]);
  });

  it('ends green when the cloud had it all, yellow when it had less or nothing, and warns in the payload', () => {
    const r = rig();
    const s = state({ next: 3, buckets: 1440 });
    const start = T0 - 30 * DAY;
    r.report.finished(s, { kind: 'whole', historyStart: T0 - 60 * DAY });
    r.report.finished(s, { kind: 'limited', historyStart: start });
    r.report.finished(s, { kind: 'empty', historyStart: null });
    should(r.statuses.map((x) => `${x.fill} ${x.shape}`)).eql(['green dot', 'yellow dot', 'yellow ring']);
    should(r.statuses[0].text).startWith('status.backfillDone {"count":"1440"');
    should(r.statuses[1].text).startWith('status.backfillLimited');
    should(r.report.warning({ kind: 'whole', historyStart: start }, s)).be.undefined();
    should(r.report.warning({ kind: 'limited', historyStart: start }, s)).startWith('warnings.historyLimited');
    should(r.report.warning({ kind: 'empty', historyStart: null }, { ...s, next: s.pages })).equal('warnings.noData');
    should(r.report.warning({ kind: 'empty', historyStart: null }, { ...s, next: 0 })).be.undefined(); // pages still to read
  });

  it("a failure turns the status red in the node's words (a dead refresh token its own); an unasked one goes to the log", () => {
    const r = rig();
    r.report.failed(new NetatmoError('transient', 'Netatmo answered 503'));
    r.report.failed(new NetatmoError('reauth', 'invalid_grant'));
    r.report.error(new NetatmoError('api', 'Unknown device'));
    should(r.statuses).eql([
      { fill: 'red', shape: 'dot', text: 'described: Netatmo answered 503' },
      { fill: 'red', shape: 'dot', text: 'status.reauth' },
    ]);
    should(r.errors).eql(['described: Unknown device']);
  });
});
