// Shareable state: the URL holds the view, and a reload restores it.
import { test, expect } from './fixtures.js';

test('a link opens the scenario, settings, seed and speed it names', async ({ page }) => {
  await page.goto('/?scenario=lost-request&request_loss=0.3&seed=7&speed=4&theme=dark');
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('lost-request');
  await expect(page.getByRole('spinbutton', { name: 'Request loss (Failure 1)' })).toHaveValue('0.3');
  await expect(page.getByRole('textbox', { name: 'Seed' })).toHaveValue('7');
  await expect(page.getByRole('spinbutton', { name: 'Speed (×)' })).toHaveValue('4');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('changing the view rewrites the URL, and reloading it restores the view', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  const loss = page.getByRole('spinbutton', { name: 'Response loss (Failure 2)' });
  await loss.fill('0.2');
  await loss.press('Enter');
  await page.getByRole('combobox', { name: 'Algorithm' }).first().selectOption('power_of_two');
  await expect(page).toHaveURL(/[?&]response_loss=0\.2(&|$)/);
  await expect(page).toHaveURL(/[?&]services\.browse\.balancer=power_of_two(&|$)/);
  await page.reload();
  await expect(page.getByRole('spinbutton', { name: 'Response loss (Failure 2)' })).toHaveValue('0.2');
  await expect(page.getByRole('button', { name: 'Load balancer of browse: LB power of two choices' })).toBeVisible();
});

test('a bad link is explained, and the rest of it still works', async ({ page }) => {
  await page.goto('/?scenario=nope&rate=-4&speed=9000&request_loss=0.1');
  await expect(page.getByRole('alert').filter({ hasText: 'could not be used' })).toContainText('no scenario called “nope”');
  await expect(page.getByRole('alert').filter({ hasText: 'could not be used' })).toContainText('traffic.rate_rps=-4 was ignored');
  await expect(page.getByRole('spinbutton', { name: 'Request loss (Failure 1)' })).toHaveValue('0.1');
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('baseline');
});
