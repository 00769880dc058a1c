// The README's table of supported modules, as src/contract/meter-models.ts says it: the README
// carries it between markers, and test/unit/meters/readme-table.test.ts holds the two together.
import { METER_MODELS, type Evidence } from '../../src/contract/meter-models';

export const TABLE_BEGIN = '<!-- meter-models:begin -->';
export const TABLE_END = '<!-- meter-models:end -->';

const EVIDENCE: Record<Evidence, string> = {
  recorded: 'real recorded answer',
  source: "open-source client's source (pyatmo)",
  assumption: 'assumption',
};

function lines(role: string | null, subRole: string | null): string {
  const parts: string[] = [];
  if (role !== null) parts.push(`the module (\`${role}\`)`);
  if (subRole !== null) parts.push(`its \`#N\` (\`${subRole}\`)`);
  return parts.length > 0 ? parts.join(', ') : '`#0`–`#8` (`circuit`, `total`, `gas`, `hot_water`, `cold_water`)';
}

export function meterTable(): string {
  const rows = [
    '| model | what it is | lines | energy types read (default) | live power | evidence: energy / power |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [model, m] of Object.entries(METER_MODELS)) {
    const power = m.power ? 'yes' : 'no';
    rows.push(
      `| \`${model}\` | ${m.what} | ${lines(m.role, m.subRole)} | \`${m.family}\`, \`$0\`–\`$2\` | ${power} | ${EVIDENCE[m.evidence.energy]} / ${EVIDENCE[m.evidence.power]} |`,
    );
  }
  return rows.join('\n');
}
