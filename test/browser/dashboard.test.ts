// The dashboard example as a user sees it: real Node-RED with FlowFuse Dashboard 2 running the
// example flow against the simulator, in headless Chromium at a desktop and a phone width. The
// charts are canvases, so the test asks ECharts itself where it drew each text, and checks that
// tick labels, axis titles, chart titles and legends are whole and apart.
import path from 'path';
import should from 'should';
import type { Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startNodeRed, REPO_ROOT, type FlowNode, type NodeRedProcess } from '../support/node-red-process';
import { browserAvailability, launchBrowser, screenshot, type Browser } from './support/browser';

const flows = require(path.join(REPO_ROOT, 'scripts', 'demo', 'flows.js')) as {
  ACCOUNT_ID: string;
  loadExamples(): Array<{ file: string; nodes: FlowNode[] }>;
  retarget(nodes: FlowNode[], target: { apiUrl: string; deviceId: string }): FlowNode[];
};

/** A text ECharts drew, in the chart's canvas pixels. */
interface Box {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
interface ChartTexts {
  id: string;
  width: number;
  height: number;
  gridTop: number;
  title: Box[];
  legend: Box[];
  xLabels: Box[];
  xName: Box[];
}

/**
 * Every chart's texts, from ECharts' own elements. Dashboard 2 hands its chart components to
 * `window.uiCharts` when `window.Cypress` is set (its own test hook, set before the page loads).
 * A text's height is its font size: ECharts measures line height as the width of "国", which is
 * a few pixels on a machine without a CJK font (as here), and would hide the very cuts we look for.
 */
function chartTexts(page: Page): Promise<ChartTexts[]> {
  return page.evaluate(() => {
    interface El {
      ignore?: boolean;
      invisible?: boolean;
      style?: { text?: unknown; fontSize?: number | string; font?: string; verticalAlign?: string };
      transform?: number[];
      getBoundingRect(): { clone(): { x: number; y: number; width: number; height: number; applyTransform(m: number[]): void } };
    }
    interface Group {
      traverse(cb: (el: El) => void): void;
    }
    interface EChart {
      getWidth(): number;
      getHeight(): number;
      getOption(): { xAxis: Array<{ name?: string }> };
      getModel(): { getComponent(type: string, index: number): { coordinateSystem?: { getRect(): { y: number } } } | undefined };
      getViewOfComponentModel(model: unknown): { group: Group };
    }
    const charts = (window as unknown as { uiCharts: Record<string, { chart: EChart }> }).uiCharts;
    const boxesOf = (chart: EChart, component: string): Box[] => {
      const model = chart.getModel().getComponent(component, 0);
      if (!model) return [];
      const boxes: Box[] = [];
      chart.getViewOfComponentModel(model).group.traverse((el) => {
        const raw = el.style?.text;
        if (el.ignore || el.invisible || typeof raw !== 'string' || raw === '') return;
        const text = raw.replace(/\{\w+\|([^}]*)\}/g, '$1'); // rich text: {style|text}
        const size = Number(el.style?.fontSize ?? /(\d+(?:\.\d+)?)px/.exec(el.style?.font ?? '')?.[1] ?? 12);
        const r = el.getBoundingRect().clone();
        if (el.transform) r.applyTransform(el.transform);
        const align = el.style?.verticalAlign;
        const y = align === 'middle' ? r.y + r.height / 2 - size / 2 : align === 'bottom' ? r.y + r.height - size : r.y;
        boxes.push({ text, x: r.x, y, w: r.width, h: size });
      });
      return boxes;
    };
    return Object.entries(charts).map(([id, { chart }]) => {
      const name = chart.getOption().xAxis[0]?.name ?? '';
      const axis = boxesOf(chart, 'xAxis');
      return {
        id,
        width: chart.getWidth(),
        height: chart.getHeight(),
        gridTop: chart.getModel().getComponent('grid', 0)?.coordinateSystem?.getRect().y ?? 0,
        title: boxesOf(chart, 'title'),
        legend: boxesOf(chart, 'legend'),
        xLabels: axis.filter((b) => name === '' || b.text !== name),
        xName: axis.filter((b) => name !== '' && b.text === name),
      };
    });
  });
}

const apart = (a: Box, b: Box, gap: number): boolean => a.x + a.w + gap <= b.x || b.x + b.w + gap <= a.x || a.y + a.h + gap <= b.y || b.y + b.h + gap <= a.y;
const show = (b: Box): string => `"${b.text}" at ${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.w)}×${Math.round(b.h)}`;

describe('the dashboard example in Chromium (real Node-RED + Dashboard 2)', function () {
  this.timeout(120000);
  let sim: Simulator | undefined;
  let nr: NodeRedProcess | undefined;
  let browser: Browser | undefined;

  before(async function () {
    if (browserAvailability() === 'skip') this.skip();
    sim = await startSimulator({ port: 0 });
    const example = flows.loadExamples().find((e) => e.file === path.join('dashboard', 'Consumption dashboard.json'));
    should.exist(example);
    const nodes = flows.retarget(example!.nodes, { apiUrl: sim.url, deviceId: sim.lines()[0].deviceId });
    const tokens = sim.issueTokens();
    nr = await startNodeRed({
      flows: nodes,
      credentials: {
        [flows.ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      },
    });
    browser = await launchBrowser();
    await browser.context.addInitScript(() => {
      (window as unknown as { Cypress: object }).Cypress = {};
    });
  });

  after(async function () {
    await browser?.close();
    await nr?.stop();
    await sim?.close();
  });

  for (const [device, width] of [
    ['desktop', 1280],
    ['phone', 390],
  ] as const) {
    it(`draws whole tick labels, apart from the axis titles, each other, the chart titles and the legends (${device}, ${width} px)`, async function () {
      const page = browser!.page;
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${nr!.url}/dashboard`, { waitUntil: 'load' });
      // Every chart holds data: the energy charts after the first reads, live power after its first minute.
      await page.waitForFunction(
        () => {
          const charts = (window as unknown as { uiCharts?: Record<string, { chart: { getOption(): { series: Array<{ data?: unknown[] }> } } }> }).uiCharts;
          if (!charts || Object.keys(charts).length < 6) return false;
          return Object.values(charts).every(({ chart }) => chart.getOption().series.some((s) => (s.data ?? []).length > 0));
        },
        undefined,
        { timeout: 90000, polling: 500 },
      );
      await page.waitForTimeout(1000); // the last resize and redraw
      const charts = await chartTexts(page);
      await screenshot(page, `dashboard-${device}`);
      should(charts.length).equal(6);
      const problems: string[] = [];
      const check = (ok: boolean, what: string): void => {
        if (!ok) problems.push(what);
      };
      for (const c of charts) {
        const where = `${c.id} (${device})`;
        // Live power starts with one read, seconds wide: its axis gets minute ticks from the second read on.
        if (c.id !== 'econetatmo.dash.chart.power') check(c.xLabels.length > 1, `${where}: fewer than two tick labels`);
        for (const b of [...c.xLabels, ...c.title]) {
          check(b.x >= 0 && b.x + b.w <= c.width + 0.5, `${where}: ${show(b)} is cut at the sides of ${c.width} px`);
          check(b.y >= 0 && b.y + b.h <= c.height + 0.5, `${where}: ${show(b)} is cut at the top or bottom of ${c.height} px`);
        }
        for (const name of c.xName) for (const label of c.xLabels) check(apart(name, label, 2), `${where}: axis title ${show(name)} touches ${show(label)}`);
        for (let i = 0; i < c.xLabels.length; i++)
          for (let j = i + 1; j < c.xLabels.length; j++)
            check(apart(c.xLabels[i], c.xLabels[j], 2), `${where}: ${show(c.xLabels[i])} overlaps ${show(c.xLabels[j])}`);
        // A time axis never repeats a label side by side (the last hour's minutes as "08:32 08:32 08:32").
        const row = [...c.xLabels].sort((a, b) => a.x - b.x).map((b) => b.text);
        check(
          row.every((t, i) => i === 0 || t !== row[i - 1]),
          `${where}: tick labels ${row.join(' ')}`,
        );
        for (const item of c.legend) check(item.y + item.h <= c.gridTop, `${where}: legend ${show(item)} reaches into the plot at ${Math.round(c.gridTop)}`);
      }
      should(problems).eql([]);
    });
  }
});
