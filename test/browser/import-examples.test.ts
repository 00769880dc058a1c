// Importing the examples the way a user does (Menu → Import → Examples), in a real Node-RED that
// lacks the Home Assistant and InfluxDB nodes, in headless Chromium: an example that needs another
// package names it in Node-RED's "Required modules missing" notice (with its Install button)
// before anything is deployed, and importing every example one after another never asks about
// conflicting nodes.
import should from 'should';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useEditorSession } from './support/editor-session';

const HA = 'node-red-contrib-home-assistant-websocket';
const INFLUX = 'node-red-contrib-influxdb';
const DASHBOARD = '@flowfuse/node-red-dashboard';

interface Outcome {
  /** The import error's code, when the editor refused the import (import_conflict: its dialog). */
  refused: string | null;
  /** The text of every notice the import opened. */
  notices: string[];
  /** The labels of those notices' buttons. */
  buttons: string[];
}

/** What the Import dialog does with an example: fetch it from the library, then import it. */
async function importExample(page: Page, file: string): Promise<Outcome> {
  return page.evaluate(async (name) => {
    type Editor = { view: { importNodes(nodes: unknown, options: Record<string, unknown>): void } };
    const RED = (window as unknown as { RED: Editor }).RED;
    const res = await fetch(`library/examples/flows/node-red-contrib-econetatmo/${name.split('/').map(encodeURIComponent).join('/')}`);
    if (!res.ok) throw new Error(`example ${name}: HTTP ${res.status}`);
    const nodes: unknown = await res.json();
    // The previous import's notices go, so that each import's stand alone.
    for (const n of Array.from(document.querySelectorAll('.red-ui-notification'))) n.remove();
    let refused: string | null = null;
    try {
      RED.view.importNodes(nodes, { generateIds: false, addFlow: false });
    } catch (err) {
      refused = String((err as { code?: string }).code ?? err);
    }
    const fresh = Array.from(document.querySelectorAll('.red-ui-notification'));
    return {
      refused,
      notices: fresh.map((n) => (n as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
      buttons: fresh.flatMap((n) => Array.from(n.querySelectorAll('button')).map((b) => b.innerText.trim())),
    };
  }, file);
}

describe('importing the examples (real Node-RED without the Home Assistant and InfluxDB nodes + Chromium)', function () {
  this.timeout(60000);
  const editor = useEditorSession({ flows: [], nodesExcludes: [HA, INFLUX] }, () => {
    const RED = (window as unknown as { RED?: { nodes?: { getType?(t: string): unknown } } }).RED;
    return !!RED?.nodes?.getType?.('econetatmo-measure') && !!RED.nodes.getType('ui-chart');
  });

  before(async function () {
    // The library's example list is what the Import dialog shows.
    const listed = await editor.page.evaluate(async () => (await fetch('library/examples/flows/node-red-contrib-econetatmo')).text());
    should(listed).match(/04 Home Assistant energy/);
  });

  it('names the missing package, with an Install button, when an example needs it', async function () {
    const { page } = editor;
    for (const [file, pkg] of [
      ['04 Home Assistant energy', HA],
      ['05 InfluxDB', INFLUX],
      ['06 Live power', HA],
    ] as const) {
      const got = await importExample(page, file);
      should(got.refused).be.null();
      const notice = got.notices.find((n) => /Required modules missing/.test(n));
      should.exist(notice, `${file}: ${JSON.stringify(got.notices)}`);
      should(notice).containEql(pkg);
      should(notice).not.containEql(DASHBOARD);
      should(got.buttons).containEql('Install all');
      if (file.startsWith('04')) await screenshot(page, 'import-04-missing-module');
    }
  });

  it('imports every other example after those without a conflict, and without a missing-package notice', async function () {
    const { page } = editor;
    for (const file of ['01 Discover lines', '02 Read a line', '03 Read a past range', 'dashboard/Consumption dashboard']) {
      const got = await importExample(page, file);
      should(got.refused).be.null(); // import_conflict would open the "nodes already exist" dialog
      should(got.notices.filter((n) => /Required modules missing|unrecognised/i.test(n))).eql([]);
    }
    const tabs = await page.evaluate(() => {
      const RED = (window as unknown as { RED: { nodes: { eachWorkspace(f: (w: { label: string }) => void): void } } }).RED;
      const labels: string[] = [];
      RED.nodes.eachWorkspace((w) => labels.push(w.label));
      return labels;
    });
    should(tabs.filter((l) => l.startsWith('Econetatmo:'))).have.length(7);
  });
});
