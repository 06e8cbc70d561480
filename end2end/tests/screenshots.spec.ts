// Refreshes the README's screenshots in docs/: GATEHOUSE_SCREENSHOTS=1 npx playwright test screenshots
import path from 'node:path';
import { expect, hydrated, signIn, test } from './server';

const DOCS = path.resolve(__dirname, '..', '..', 'docs');

test.skip(!process.env.GATEHOUSE_SCREENSHOTS, 'set GATEHOUSE_SCREENSHOTS=1 to refresh docs/ screenshots');

test('sign-in page and dashboard, light and dark', async ({ page, gatehouse }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${gatehouse.url}/login`);
  await hydrated(page);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('form-error')).toBeVisible();
  await page.screenshot({ path: path.join(DOCS, 'sign-in.png') });

  await signIn(page, gatehouse.url);
  await expect(page.getByText('Embedded PostgreSQL')).toBeVisible();
  await page.screenshot({ path: path.join(DOCS, 'dashboard.png') });

  await page.getByTestId('theme-toggle').click();
  await page.goto(`${gatehouse.url}/settings`);
  await expect(page.getByTestId('admins-table')).toBeVisible();
  await page.screenshot({ path: path.join(DOCS, 'settings-dark.png') });

  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${gatehouse.url}/`);
  await hydrated(page);
  await page.getByRole('button', { name: /Menu/ }).click();
  await page.screenshot({ path: path.join(DOCS, 'dashboard-mobile-dark.png') });
});
