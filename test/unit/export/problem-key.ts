// The catalogue key of the ExportProblem a call throws (and a failure when it throws none).
import should from 'should';
import { ExportProblem } from '../../../src/export/types';

export function problemKey(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    should(err).be.instanceOf(ExportProblem);
    return (err as ExportProblem).key;
  }
  throw new Error('no problem raised');
}
