// Line names are the user's labels in the Netatmo app and reach the editor: the simulator has a
// line named `<img src=x onerror=alert(1)>`. Two checks without a browser (the live one is
// test/browser/editor.test.ts):
// 1. statically, no editor script of ours builds markup from data: no `.html(` with anything but
//    a constant, no innerHTML & co, no markup concatenated or templated into a string;
// 2. the measure editor's line list, run in a sandbox with a recording stand-in for jQuery, puts
//    every name in as text (never as markup), and survives homes whose id is `__proto__`.
import fs from 'fs';
import path from 'path';
import vm from 'vm';
import should from 'should';
import { REPO_ROOT } from '../support/node-red-process';

const HOSTILE = '<img src=x onerror=alert(1)>';

function editorScripts(file: string): string {
  const html = fs.readFileSync(path.join(REPO_ROOT, 'nodes', file), 'utf8');
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
  if (scripts.length === 0) throw new Error(`no editor script in ${file}`);
  return scripts.join('\n');
}

/** The code without comments and with string literals blanked, so that patterns match code only. */
function codeOnly(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:"'\\])\/\/.*$/gm, '$1')
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (s) => (/^["']<[a-z]+>["']$/i.test(s) ? s : '""'));
}

const FILES = ['econetatmo-account.html', 'econetatmo-sync.html', 'econetatmo-measure.html', 'econetatmo-export.html', 'econetatmo-power.html'];

const RULES: Array<[RegExp, string]> = [
  [/\.html\(\s*[^)\s]/, '.html( with an argument (use .text())'],
  [/\.(innerHTML|outerHTML)\b/, 'innerHTML/outerHTML'],
  [/insertAdjacentHTML|document\.write|\beval\(|new Function\(/, 'HTML or code from a string'],
  [/\.(append|prepend|after|before|replaceWith|wrap)\(\s*["'`]/, 'markup string passed to a DOM insertion'],
  [/\.(append|prepend|after|before)\([^)]*\+/, 'concatenation passed to a DOM insertion'],
  [/\$\(\s*[^)'"]*\+/, '$() of a concatenation'],
  [/\$\(\s*["']<[^"']*["']\s*\+/, '$() of markup concatenated with data'],
];

/** Every place where a script builds markup from something other than a constant. */
function problemsOf(raw: string, file: string): string[] {
  const problems: string[] = [];
  const lines = raw.split('\n');
  codeOnly(raw)
    .split('\n')
    .forEach((text, i) => {
      for (const [pattern, why] of RULES) if (pattern.test(text)) problems.push(`${file}:${i + 1}: ${why}: ${(lines[i] ?? '').trim()}`);
    });
  lines.forEach((text, i) => {
    if (/`[^`]*<[a-z][^`]*\$\{/i.test(text)) problems.push(`${file}:${i + 1}: markup in a template literal`);
    // Where line data is used, it goes through .text(), .val(), .attr() or a comparison only.
    if (/\bline\.(name|homeName|homeId|roomName)\b/.test(text) && /\.html\(|\+\s*["']<|["']>\s*\+/.test(text)) {
      problems.push(`${file}:${i + 1}: line data near markup: ${text.trim()}`);
    }
  });
  // Markup literals: only a bare tag, e.g. $("<option>"), never one with attributes or text.
  for (const m of raw.matchAll(/\$\(\s*(["'])(<[^"']*)\1/g)) {
    if (!/^<[a-z]+\s*\/?>$/i.test(m[2] ?? '')) problems.push(`${file}: markup literal ${m[2]}`);
  }
  return problems;
}

describe('editor code renders line data inert', function () {
  describe('static checks of nodes/*.html', function () {
    for (const file of FILES) {
      it(`${file}: no markup built from data`, function () {
        const problems = problemsOf(editorScripts(file), file);
        should(problems).deepEqual([], problems.join('\n'));
      });
    }

    it('the rules catch what they are meant to (self-check on bad samples, and none on good ones)', function () {
      const bad = [
        'option.html(line.name);',
        'select.append("<option value=\\"" + line.moduleId + "\\">" + line.name + "</option>");',
        'select.append($("<option value=x>"));',
        'el.innerHTML = line.name;',
        'select.append(`<option>${line.name}</option>`);',
        'var o = $("<option>" + line.name + "</option>");',
        '$(markup + line.name);',
      ];
      for (const sample of bad) should(problemsOf(sample, 'sample').length).be.above(0, `not caught: ${sample}`);
      const good = [
        'var option = $("<option>").val(line.moduleId).attr("title", line.moduleId);',
        'option.text(typeof line.name === "string" ? line.name : line.moduleId);',
        'var v = $("#node-config-input-" + id).val();',
        'select.empty().append($("<option>").val("").text(node._("x")));',
      ];
      for (const sample of good) should(problemsOf(sample, 'sample')).deepEqual([], `false alarm: ${sample}`);
    });
  });

  describe('the measure editor line list, run with a recording jQuery stand-in', function () {
    /** A DOM element that keeps text and markup apart: `html` records any markup set. */
    class El {
      children: El[] = [];
      attrs: Record<string, string> = {};
      text = '';
      value = '';
      markup: string[] = [];
      props: Record<string, unknown> = {};
      constructor(
        readonly tag: string,
        readonly id = '',
      ) {}
      all(): El[] {
        return this.children.flatMap((c) => [c, ...c.all()]);
      }
    }

    function run(lines: unknown[]): { select: El; hint: El; errors: unknown[] } {
      const byId = new Map<string, El>();
      const element = (id: string): El => {
        let el = byId.get(id);
        if (!el) byId.set(id, (el = new El(id === 'econetatmo-measure-line' ? 'select' : 'div', id)));
        return el;
      };
      interface Q {
        els: El[];
        length: number;
        [k: string]: unknown;
      }
      const wrap = (els: El[]): Q => {
        const q: Q = {
          els,
          length: els.length,
          val(v?: unknown) {
            if (v === undefined) return els[0]?.value ?? '';
            for (const e of els) e.value = String(v);
            return q;
          },
          text(v?: unknown) {
            if (v === undefined) return els.map((e) => e.text).join('');
            for (const e of els) e.text = String(v);
            return q;
          },
          html(v?: unknown) {
            if (v !== undefined) for (const e of els) e.markup.push(String(v));
            return q;
          },
          attr(k: string, v?: unknown) {
            if (v === undefined) return els[0]?.attrs[k];
            for (const e of els) e.attrs[k] = String(v);
            return q;
          },
          prop(k: string, v: unknown) {
            for (const e of els) e.props[k] = v;
            return q;
          },
          empty() {
            for (const e of els) e.children = [];
            return q;
          },
          append(x: Q | El) {
            const add = x instanceof El ? [x] : (x as Q).els;
            if (!Array.isArray(add)) throw new Error('append of something that is not an element: markup?');
            els[0]?.children.push(...add);
            return q;
          },
          find(sel: string) {
            const tag = sel.replace(/\[.*$/, '');
            return wrap(els.flatMap((e) => e.all()).filter((e) => e.tag === tag));
          },
          filter(fn: (this: El) => boolean) {
            return wrap(els.filter((e) => fn.call(e)));
          },
          each(fn: (this: El) => void) {
            for (const e of els) fn.call(e);
            return q;
          },
          children(sel: string) {
            return wrap(els.flatMap((e) => e.children).filter((e) => e.tag === sel));
          },
          css: () => q,
          toggle: () => q,
          on: () => q,
          trigger: () => q,
          spinner: () => q,
        };
        return q;
      };
      const $ = (arg: unknown): Q => {
        if (arg instanceof El) return wrap([arg]);
        if (typeof arg === 'string' && arg.startsWith('#')) return wrap([element(arg.slice(1))]);
        if (typeof arg === 'string') {
          const m = /^<([a-z]+)>$/.exec(arg);
          if (!m) throw new Error(`markup built from a string: ${arg}`);
          return wrap([new El(m[1] as string)]);
        }
        throw new Error(`unexpected $(${String(arg)})`);
      };
      $.getJSON = () => {
        const request = {
          done(fn: (data: unknown) => void) {
            fn(lines);
            return request;
          },
          fail() {
            return request;
          },
        };
        return request;
      };
      const defs: Record<string, { oneditprepare(this: unknown): void }> = {};
      const errors: unknown[] = [];
      const context = vm.createContext({
        $,
        RED: { nodes: { registerType: (type: string, def: { oneditprepare(this: unknown): void }) => (defs[type] = def) }, settings: {} },
        window: { location: { origin: 'http://127.0.0.1', pathname: '/' } },
        console,
      });
      vm.runInContext(editorScripts('econetatmo-measure.html'), context);
      const def = defs['econetatmo-measure'];
      should.exist(def);
      try {
        def.oneditprepare.call({ _: (key: string) => key, account: 'acc1', types: '', moduleId: '' });
      } catch (err) {
        errors.push(err);
      }
      return { select: element('econetatmo-measure-line'), hint: element('econetatmo-measure-line-hint'), errors };
    }

    const line = (homeId: string, index: number, name: unknown, homeName: unknown = 'Home', model?: unknown): Record<string, unknown> => ({
      homeId,
      homeName,
      deviceId: '00:04:74:12:36:42',
      moduleId: `00:04:74:12:36:42#${index}`,
      ...(model !== undefined ? { model } : {}),
      index,
      name,
    });

    it('puts a hostile line name in as the option text, never as markup', function () {
      const { select, errors } = run([
        line('h1', 0, HOSTILE, '<b onmouseover=alert(2)>home</b>'),
        line('h1', 1, '"><script>alert(3)</script>'),
        line('h1', 2, 42),
        line('h1', 3, 'plug', 'Home', '<img src=x onerror=alert(4)>'),
      ]);
      should(errors).be.empty();
      const options = select.all().filter((e) => e.tag === 'option');
      options.map((o) => o.text).should.containEql(HOSTILE);
      options.map((o) => o.text).should.containEql('"><script>alert(3)</script>');
      // A name that is not a text falls back to the id.
      options.map((o) => o.text).should.containEql('00:04:74:12:36:42#2');
      select
        .all()
        .filter((e) => e.tag === 'optgroup')
        .map((g) => g.attrs.label)
        .should.containEql('<b onmouseover=alert(2)>home</b> · NLE');
      // The model groups the lines too, and a hostile one is a label's text like the rest.
      select
        .all()
        .filter((e) => e.tag === 'optgroup')
        .map((g) => g.attrs.label)
        .should.containEql('Home · <img src=x onerror=alert(4)>');
      for (const e of [select, ...select.all()]) should(e.markup).be.empty();
    });

    it('groups a hundred modules by home and model, each group in the order the account lists them', function () {
      const models = ['NLPC', 'NLY', 'NLP', 'NLPT', 'NLL'];
      const many = Array.from({ length: 100 }, (_, i) => ({
        homeId: i < 50 ? 'h1' : 'h2',
        homeName: i < 50 ? 'Maison' : 'Chalet',
        deviceId: '00:04:74:aa:bb:cc',
        moduleId: `00:04:74:00:01:00:00:${i.toString(16).padStart(2, '0')}`,
        model: models[Math.floor((i % 50) / 10)],
        index: null,
        name: `module ${i}`,
      }));
      const { select, errors } = run(many);
      should(errors.map(String)).be.empty();
      const groups = select.all().filter((e) => e.tag === 'optgroup');
      should(groups.map((g) => g.attrs.label)).eql([...models.map((m) => `Maison · ${m}`), ...models.map((m) => `Chalet · ${m}`)]);
      should(groups.every((g) => g.children.filter((c) => c.tag === 'option').length === 10)).be.true();
      should(groups[6].children.map((c) => c.text)).eql(Array.from({ length: 10 }, (_, k) => `module ${60 + k}`));
    });

    it('lists lines of homes with ids like __proto__ or constructor without failing', function () {
      const { select, errors } = run([line('__proto__', 0, 'a'), line('constructor', 1, 'b'), line('hasOwnProperty', 2, 'c'), line('toString', 3, 'd')]);
      should(errors.map(String)).be.empty();
      const options = select.all().filter((e) => e.tag === 'option');
      options.map((o) => o.text).should.containDeep(['a', 'b', 'c', 'd']);
      select
        .all()
        .filter((e) => e.tag === 'optgroup')
        .length.should.equal(4);
    });
  });
});
