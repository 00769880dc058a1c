// The help texts' code never breaks mid-word: Node-RED's help sidebar wraps <pre> anywhere, so
// each block keeps its lines whole (and scrolls), and an inline code with spaces stays together.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { REPO_ROOT } from '../../support/node-red-process';

describe('help layout', function () {
  const dir = path.join(REPO_ROOT, 'nodes', 'locales');
  for (const lang of fs.readdirSync(dir)) {
    for (const file of fs.readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.html'))) {
      it(`${lang}/${file}: code blocks keep their lines whole`, function () {
        const html = fs.readFileSync(path.join(dir, lang, file), 'utf8');
        for (const pre of html.match(/<pre[^>]*>/g) ?? []) should(pre).match(/white-space: pre;.*word-break: normal/);
        for (const code of html.match(/<code>[^<]*\s[^<]*<\/code>/g) ?? []) {
          should(code.length).be.below(30, `${lang}/${file}: a long inline code with spaces can break: ${code}`);
        }
      });
    }
  }
});
