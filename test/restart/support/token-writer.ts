// Child process of the restart tests: saves token pairs through the real token store, one after
// the other, as fast as it can, until it is killed. It reports each completed save on stdout
// (synchronous on a pipe under Linux) so the parent knows which pairs may be on disk.
// Usage: node token-writer.js <dir> <accountId> <run> [secret] (a secret seals the file)
import fs from 'fs';
import { TokenStore } from '../../../src/netatmo/token-store';

async function main(): Promise<void> {
  const [dir, accountId, run, secret] = process.argv.slice(2);
  if (!dir || !accountId || !run) throw new Error('usage: token-writer <dir> <accountId> <run> [secret]');
  const store = new TokenStore(dir, undefined, secret === undefined ? {} : { current: secret });
  await store.load(accountId);
  fs.writeSync(1, 'ready\n');
  // Long tokens make each write span more than one block, so a torn write would show.
  const pad = 'x'.repeat(6000);
  for (let i = 1; ; i++) {
    const issuedAt = Date.now();
    await store.save(accountId, {
      accessToken: `access-${run}-${i}-${pad}`,
      refreshToken: `refresh-${run}-${i}-${pad}`,
      issuedAt,
      expiresAt: issuedAt + 10_800_000,
    });
    fs.writeSync(1, `saved ${i}\n`);
  }
}

main().catch((err: unknown) => {
  fs.writeSync(2, `token-writer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
