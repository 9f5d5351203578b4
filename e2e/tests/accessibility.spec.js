// Accessibility: axe-core (the engine behind most accessibility checkers)
// finds no serious or critical violation on the page as a student meets it,
// in both themes, with each kind of node's inspector open, in a tour step
// (asking, and revealed) and embedded in a slide.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test, expect } from './fixtures.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical violations on the page now, as "rule: target" lines. */
const violations = async (page) => {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
};

for (const [what, query, ...clicks] of [
  ['the default page', '?scenario=baseline', null],
  ['the dark theme, a metastable collapse', '?scenario=metastable&dark&speed=20&autoplay', null],
  ['the database inspector', '?scenario=database-bottleneck&database.read_replicas=2', /^Database: /],
  ['a load balancer inspector', '?scenario=other-administrators', /^Load balancer of browse/],
  ['an instance inspector', '?scenario=baseline', /^Instance i-1 /],
  ['embed mode', '?scenario=retry-storm&embed&controls=jitter,budget', null],
  ['a tour step, asking', '?step=3', null],
  ['a tour step, revealed, in the dark theme', '?step=2&dark', /^Skip the question and run$/, /^Show the result now$/],
]) {
  test(`axe-core finds no serious violation: ${what}`, async ({ page }) => {
    await page.goto('/' + query);
    await expect(page.locator('.diagram')).toBeVisible();
    for (const click of clicks.filter(Boolean)) await page.getByRole('button', { name: click }).first().click();
    await page.waitForTimeout(1000);
    expect(await violations(page)).toEqual([]);
  });
}
