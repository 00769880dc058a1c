// `node dist/src/simulator/cli.js --port P --client-id X --client-secret Y --refresh-token Z [--seed N]
//  [--token-lifetime S] [--history-days D] [--upload-every MIN] [--meter-upload-every MIN] [--time-zone Europe/Paris]`
// Runs the stand-in cloud for the demo; prints the (demo) credentials it accepts so they can be pasted in.
import { DEFAULT_PORT, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN } from './defaults';
import { startSimulator } from './server';

const FLAGS = [
  'port',
  'client-id',
  'client-secret',
  'refresh-token',
  'seed',
  'token-lifetime',
  'history-days',
  'upload-every',
  'meter-upload-every',
  'time-zone',
];

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: simulator ${FLAGS.map((f) => `[--${f} value]`).join(' ')}\n`);
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    if (!FLAGS.includes(name)) throw new Error(`unknown argument ${arg}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`missing value for --${name}`);
    out.set(name, value);
  }
  return out;
}

function int(args: Map<string, string>, name: string, fallback?: number): number | undefined {
  const text = args.get(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sim = await startSimulator({
    port: int(args, 'port', DEFAULT_PORT),
    seed: int(args, 'seed'),
    clientId: args.get('client-id') ?? DEMO_CLIENT_ID,
    clientSecret: args.get('client-secret') ?? DEMO_CLIENT_SECRET,
    refreshToken: args.get('refresh-token') ?? DEMO_REFRESH_TOKEN,
    tokenLifetimeSec: int(args, 'token-lifetime'),
    historyDays: int(args, 'history-days'),
    uploadEveryMin: int(args, 'upload-every'),
    meterUploadEveryMin: int(args, 'meter-upload-every'),
    timeZone: args.get('time-zone'),
  });
  const lines = sim.lines();
  process.stdout.write(
    [
      `Netatmo simulator listening on ${sim.url}`,
      `  client id:     ${sim.clientId}`,
      `  client secret: ${sim.clientSecret}`,
      `  refresh token: ${args.get('refresh-token') ?? DEMO_REFRESH_TOKEN}`,
      `  ecocounter:    ${lines[0]?.deviceId ?? '-'} (${lines.length} lines, ${lines[0]?.timezone ?? '-'})`,
      `  other meters:  ${sim.modules().length} modules of the Legrand range in ${new Set(sim.modules().map((m) => m.homeId)).size} homes`,
      `  stats:         ${sim.url}/__sim/stats`,
      '',
    ].join('\n'),
  );
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
