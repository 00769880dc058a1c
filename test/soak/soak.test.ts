// The chaos soak, shortened for `npm test`: 12 simulated hours of a sync node and nine measure
// nodes on one account, against a simulator that fails in every way it knows and lets access
// tokens die every five simulated minutes. `npm run soak` runs the same for 48 hours or more.
import should from 'should';
import { formatReport } from '../../bench/soak-checks';
import { runSoak, type SoakOutcome } from '../../bench/soak-run';

const HOURS = 12;

describe(`chaos soak (${HOURS} simulated hours)`, function () {
  this.timeout(180_000);
  let outcome: SoakOutcome;

  before(async function () {
    this.timeout(180_000);
    outcome = await runSoak({ hours: HOURS, seed: 1 });
    if (!outcome.report.ok || process.env.ECONETATMO_SOAK_VERBOSE) {
      process.stdout.write(`${formatReport(outcome.report)}\n`);
    }
  });

  it('really ran the scenario: reads, messages, faults and refreshes', () => {
    const r = outcome.report;
    should(r.requests.getmeasure).be.above(9 * HOURS * 5);
    should(r.messages).be.above(9);
    should(r.sim.faultsInjected).be.above(20);
    // Held requests ended by the client's own (short, real-time) timeout, and went on.
    should(r.requests.byPath['/api/getmeasure']?.timeout ?? 0).be.above(0);
    should(r.sim.refreshGrants).be.above(HOURS * 3); // tokens die every 5 min: about one refresh per read cycle
  });

  it('emitted every bucket the simulator holds for the period, with its final value', () => {
    const r = outcome.report;
    should(r.expectedBuckets).be.above(6 * HOURS); // six electrical lines, two buckets an hour, less the margin
    should(r.bucketProblems).eql([]);
    should(r.emittedFinal + r.emittedPreliminaryAccepted).equal(r.expectedBuckets);
  });

  it('never emitted a bucket twice as new (a repeat is listed in payload.revised)', () => {
    should(outcome.report.duplicatesAsNew).eql([]);
  });

  it('never lost the refresh token and never hit the rate limit', () => {
    should(outcome.report.sim.invalidGrant).equal(0);
    should(outcome.report.sim.rateLimited).equal(0);
  });

  it('had no unhandled rejection and no uncaught exception', () => {
    should(outcome.report.unhandledRejections).equal(0);
    should(outcome.report.uncaughtExceptions).equal(0);
  });

  it('stays within a sane number of requests per line and hour', () => {
    // Six reads an hour, plus the retries the faults cost; far below the 500/h budget shared by nine lines.
    should(outcome.report.requests.perLinePerHour).be.within(5, 500 / 9);
  });
});
