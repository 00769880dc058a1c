// The code a user copies from the documentation: every ```js block of the README and the docs
// parses as JavaScript (node's own parser), and says what it means (no block or label where an
// object was meant: a formatter turns `{ a, b }` into `{ (a, b); }`, and `key: value;` into a
// label, both valid JavaScript that no reader meant); every ```json block is JSON.
import fs from 'fs';
import path from 'path';
import vm from 'vm';
import should from 'should';
import ts from 'typescript';
import { startSimulator } from '../src/simulator';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = ['README.md', 'docs/demo.md', 'src/simulator/README.md'].filter((f) => fs.existsSync(path.join(ROOT, f)));

export interface CodeBlock {
  file: string;
  line: number;
  lang: string;
  code: string;
}

/** The fenced code blocks of a Markdown text, with their language and first line. */
export function codeBlocks(file: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) body.push(lines[j++]);
    blocks.push({ file, line: i + 1, lang: open[1].toLowerCase(), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** Statements a reader never means in a snippet: a label, or a bare block at the top level. */
export function unmeantStatements(code: string): string[] {
  const source = ts.createSourceFile('snippet.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isLabeledStatement(node)) found.push(`a label "${node.label.text}:"`);
    if (ts.isBlock(node) && node.parent === source) found.push(`a bare block "${node.getText(source).slice(0, 30)}…"`);
    if (ts.isParenthesizedExpression(node) && ts.isExpressionStatement(node.parent) && ts.isBinaryExpression(node.expression)) {
      if (node.expression.operatorToken.kind === ts.SyntaxKind.CommaToken) found.push(`a comma expression "${node.getText(source).slice(0, 30)}…"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function syntaxError(code: string): string | null {
  try {
    new vm.Script(code, { filename: 'snippet.js' });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describe('the documentation', function () {
  const blocks = DOCS.flatMap((file) => codeBlocks(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));

  it('finds the README code blocks, the settings.js and line examples among them', function () {
    const readme = blocks.filter((b) => b.file === 'README.md' && b.lang === 'js');
    should(readme.length).be.aboveOrEqual(3);
    should(readme.some((b) => b.code.includes('requestTimeoutMs'))).be.true();
  });

  it('catches the snippets a formatter broke', function () {
    should(syntaxError('econetatmo: {\n  requestTimeoutMs: 15000,\n}')).not.be.null();
    should(unmeantStatements('econetatmo: {\n  requestTimeoutMs: 15000;\n}')).not.be.empty();
    should(unmeantStatements('{\n  (homeId,\n    homeName);\n}')).not.be.empty();
    should(unmeantStatements('const line = { homeId, homeName };\nmodule.exports = { econetatmo: { requestTimeoutMs: 15000 } };')).be.empty();
  });

  for (const block of blocks.filter((b) => ['js', 'javascript', 'json'].includes(b.lang))) {
    it(`${block.file}:${block.line} (${block.lang}) parses and means what it says`, function () {
      if (block.lang === 'json') {
        should(() => JSON.parse(block.code) as unknown).not.throw();
        return;
      }
      should(syntaxError(block.code)).be.null();
      should(unmeantStatements(block.code)).be.empty();
    });
  }
});

describe('the documentation agrees with the product', function () {
  const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');
  const examples = (require(path.join(ROOT, 'scripts', 'demo', 'flows.js')) as { loadExamples(): Array<{ file: string }> }).loadExamples();
  const names = examples.map((e) => path.basename(e.file, '.json'));

  it('names every example in the README and in docs/demo.md, and says what example 03 reads', function () {
    should(names.length).be.aboveOrEqual(6);
    for (const doc of ['README.md', 'docs/demo.md']) for (const name of names) should(read(doc).includes(name)).be.true(`${doc} does not name ${name}`);
    should(read('README.md')).not.match(/seven days in one go/);
    // Importing 04 or 05 without the other package's nodes and deploying stops every flow.
    const readme = read('README.md').replace(/\s+/g, ' ');
    for (const pkg of ['node-red-contrib-home-assistant-websocket', 'node-red-contrib-influxdb']) {
      should(readme.includes(`**Install ${pkg} first.**`)).be.true(`the README does not say to install ${pkg} first`);
    }
    should(readme).match(/do not deploy then, because Node-RED stops \*\*every\*\* flow/i);
    should(readme).match(/_Required modules missing_, names the package and offers _Install all_/);
    // The dashboard draws with export nodes: the demo's page must not send users to a function node.
    should(read('docs/demo.md')).not.match(/function node keeps|dashboard's function node/i);
  });

  it("gives as the example line id the demo's own ecocounter (the simulator's), in the help, hints and README", async function () {
    // The demo (scripts/demo.js) starts the simulator with its default seed.
    const sim = await startSimulator({});
    const ecocounter = sim.lines()[0].deviceId;
    await sim.close();
    const placeholder = '00:04:74:00:00:01'; // the examples' "pick your line" id, on purpose not a real one
    const files = ['README.md', ...['en-US', 'fr'].flatMap((l) => ['html', 'json'].map((x) => `nodes/locales/${l}/econetatmo-measure.${x}`))];
    for (const file of files) {
      const ids = [...read(file).matchAll(/\b00:04:74(?::[0-9a-f]{2}){3}(?![:0-9a-f])/g)].map((m) => m[0]).filter((id) => id !== placeholder);
      should(ids.length).be.above(0, `${file} gives no example line id`);
      for (const id of ids) should(id).equal(ecocounter, `${file}`);
    }
  });

  it("describes every field of a line in the sync node's help (en, fr) and the README, timezone included", function () {
    const fields = ['homeId', 'homeName', 'timezone', 'deviceId', 'moduleId', 'index', 'name', 'role', 'consumptionType', 'sourceType', 'roomId', 'roomName'];
    for (const file of ['nodes/locales/en-US/econetatmo-sync.html', 'nodes/locales/fr/econetatmo-sync.html', 'README.md']) {
      for (const field of fields) should(read(file)).match(new RegExp(`\\b${field}\\b`), `${file} does not describe ${field}`);
    }
  });

  it('names, in the account help (en, fr), every node type that uses an account', function () {
    const users = fs
      .readdirSync(path.join(ROOT, 'nodes'))
      .filter((f) => f.endsWith('.html') && /type: ["']econetatmo-account["']/.test(read(`nodes/${f}`)))
      .map((f) => f.replace(/\.html$/, ''));
    should(users).containEql('econetatmo-sync');
    should(users).containEql('econetatmo-measure');
    for (const lang of ['en-US', 'fr']) {
      const help = read(`nodes/locales/${lang}/econetatmo-account.html`);
      for (const type of users) should(help.includes(type)).be.true(`the ${lang} account help does not name ${type}`);
    }
  });
});

describe('the help sidebar', function () {
  const helps = ['en-US', 'fr'].flatMap((lang) =>
    fs
      .readdirSync(path.join(ROOT, 'nodes', 'locales', lang))
      .filter((f) => f.endsWith('.html'))
      .map((f) => `nodes/locales/${lang}/${f}`),
  );
  const visible = (html: string): string =>
    html
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .trim();

  // Node-RED sets a property's name (dt) on one line in a monospace font, beside its type: in the
  // sidebar's default width about 28 characters fit. Unbreakable code wider than the sidebar
  // overflows it.
  it('names every property in a line that fits the sidebar (en, fr)', function () {
    for (const file of helps) {
      const html = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of html.matchAll(/<dt[^>]*>([^<]*)/g)) should(visible(m[1]).length).be.belowOrEqual(28, `${file}: "${visible(m[1])}" is cut`);
    }
  });

  it('keeps only short code unbreakable (en, fr)', function () {
    for (const file of helps) {
      const html = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of html.matchAll(/<code style="white-space: nowrap">(.*?)<\/code>/g)) {
        should(visible(m[1]).length).be.belowOrEqual(30, `${file}: ${visible(m[1])} overflows`);
      }
    }
  });
});
