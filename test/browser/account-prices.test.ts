// The account dialog's prices, in a real Node-RED and Chromium: an account saved before prices
// existed opens on "the cloud's tariff" (not an empty, red choice); the user's own prices and
// currency are refused until they are positive numbers and three letters, and kept once they are.
import should from 'should';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useEditorSession } from './support/editor-session';

const ACCOUNT_ID = 'e2eprices00001';

/** Types `text` into a field as a user does, and says whether the editor marks it invalid. */
async function enter(page: Page, field: string, text: string): Promise<boolean> {
  const input = page.locator(`#node-config-input-${field}`);
  await input.fill(text);
  await input.dispatchEvent('change');
  return input.evaluate((el) => el.classList.contains('input-error'));
}

describe('account prices in the editor (real Node-RED + Chromium)', function () {
  this.timeout(60000);
  // As saved by the previous release: no tariff, no prices.
  const editor = useEditorSession(
    { flows: [{ id: ACCOUNT_ID, type: 'econetatmo-account', name: 'Saved before prices', apiUrl: 'http://127.0.0.1:9' }] },
    () => {
      const RED = (window as unknown as { RED?: { nodes?: { node?(id: string): unknown } } }).RED;
      return !!RED?.nodes?.node?.('e2eprices00001');
    },
  );

  it("opens an old account on the cloud's tariff, and refuses own prices that are not positive numbers or a currency that is not three letters", async function () {
    const { page } = editor;
    await page.evaluate((id) => {
      const RED = (window as unknown as { RED: { editor: { editConfig(a: string, type: string, id: string): void } } }).RED;
      RED.editor.editConfig('', 'econetatmo-account', id);
    }, ACCOUNT_ID);
    const tariff = page.locator('#node-config-input-tariff');
    await tariff.waitFor({ state: 'visible' });
    should(await tariff.inputValue()).equal('cloud');
    should(await tariff.evaluate((el) => el.classList.contains('input-error'))).be.false();
    should(await page.locator('#node-config-input-pricePeak').isVisible()).be.false();

    await tariff.selectOption('own');
    await page.locator('#node-config-input-pricePeak').waitFor({ state: 'visible' });
    for (const bad of ['-0.2', '0', 'cheap', '1e999']) should(await enter(page, 'pricePeak', bad)).be.true(`price ${bad} accepted`);
    should(await enter(page, 'pricePeak', '0.2516')).be.false();
    should(await enter(page, 'priceOffPeak', '0.1828')).be.false();
    for (const bad of ['EU', 'E1', '€']) should(await enter(page, 'currency', bad)).be.true(`currency ${bad} accepted`);
    await enter(page, 'currency', 'EURO');
    should(await page.locator('#node-config-input-currency').inputValue()).equal('EUR'); // three letters at most
    should(await enter(page, 'currency', 'EUR')).be.false();
    await screenshot(page, 'account-own-prices');

    await page.locator('#node-config-dialog-ok').click();
    const saved = await page.evaluate((id) => {
      const RED = (window as unknown as { RED: { nodes: { node(id: string): Record<string, unknown> } } }).RED;
      const n = RED.nodes.node(id);
      return { tariff: n.tariff, pricePeak: n.pricePeak, priceOffPeak: n.priceOffPeak, currency: n.currency, valid: n.valid };
    }, ACCOUNT_ID);
    should(saved).eql({ tariff: 'own', pricePeak: '0.2516', priceOffPeak: '0.1828', currency: 'EUR', valid: true });
  });
});
