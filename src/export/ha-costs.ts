// What the Home Assistant cost statistic counts: each bucket's cost in millionths of the currency,
// the precision the measure node prices to, so that every sum is the exact sum of the bucket
// costs (rounding each bucket to a thousandth would drift by up to half a thousandth a bucket:
// more than a cent over a month of half-hours). And the statistic a currency's costs go to.
import { VALID_STATISTIC_ID } from './ha-statistics';
import { ExportProblem, type MeasurePayload } from './types';

/** Cost ledgers count millionths of the currency: whole numbers, so that every sum adds up exactly. */
export const COST_PER_UNIT = 1_000_000;

/**
 * The payload the cost statistic's ledger takes: each point's `total` is its cost in millionths
 * of the currency (null when unknown). Null when nothing in it has a cost or a currency.
 */
export function costPayload(payload: MeasurePayload): { payload: MeasurePayload; currency: string } | null {
  const currency = payload.currency ?? null;
  if (currency === null || !payload.points.some((p) => typeof p.cost === 'number')) return null;
  const points = payload.points.map((p) => ({ ...p, total: typeof p.cost === 'number' ? Math.round(p.cost * COST_PER_UNIT) : null }));
  return { payload: { ...payload, points }, currency };
}

/** The cost statistic of another currency than `<id>_cost`'s own: `<id>_cost_<currency>` (`…_cost_chf`). */
export function costIdIn(costId: string, currency: string): string {
  const id = `${costId}_${currency.toLowerCase()}`;
  if (!VALID_STATISTIC_ID.test(id)) throw new ExportProblem('badStatisticId', { id });
  return id;
}
