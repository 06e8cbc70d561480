import { ADMIN_PASSWORD, expect, hydrated, signIn, test } from './server';

// A server of its own: this file asserts empty states.
test.use({ isolation: 'signin' });

test.describe('console sign-in', () => {
  test('a wrong password shows an inline error and stays on the sign-in page', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url, 'not-the-password');
    await expect(page.getByTestId('form-error')).toHaveText('Incorrect username or password.');
    await expect(page).toHaveURL(/\/login/);
  });

  test('an unknown user gets exactly the same message (no enumeration)', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url, 'whatever-password', 'nobody-here');
    await expect(page.getByTestId('form-error')).toHaveText('Incorrect username or password.');
  });

  test('the right password lands on a hydrated dashboard', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page).toHaveURL(`${gatehouse.url}/`);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await hydrated(page);

    // A client-side interaction: no navigation happens, so a value set on window survives.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await expect(page.getByTestId('tips')).toBeVisible();
    await page.getByTestId('tips-toggle').click();
    await expect(page.getByTestId('tips')).toHaveCount(0);
    await page.getByTestId('tips-toggle').click();
    await expect(page.getByTestId('tips')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
  });

  test('the theme toggle switches to dark and back without a reload', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await hydrated(page);
    const html = page.locator('html');
    const wasDark = ((await html.getAttribute('class')) ?? '').includes('dark');
    await page.getByTestId('theme-toggle').click();
    if (wasDark) await expect(html).not.toHaveClass(/dark/);
    else await expect(html).toHaveClass(/dark/);
    await page.reload();
    if (wasDark) await expect(html).not.toHaveClass(/dark/);
    else await expect(html).toHaveClass(/dark/);
  });

  test('sign-out ends the session', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await hydrated(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto(`${gatehouse.url}/settings`);
    await expect(page).toHaveURL(/\/login\?next=%2Fsettings|\/login\?next=\/settings/);
  });

  test('a protected URL without a session goes to sign-in, then back to that URL', async ({ page, gatehouse }) => {
    await page.goto(`${gatehouse.url}/settings`);
    await expect(page).toHaveURL(/\/login\?next=/);
    await hydrated(page);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${gatehouse.url}/settings`);
    await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
  });

  test('the session survives a server restart', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await gatehouse.stop();
    await gatehouse.start();
    await page.goto(`${gatehouse.url}/settings`);
    await expect(page).toHaveURL(`${gatehouse.url}/settings`);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
  });

  test('an unknown page shows the 404 page', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    const res = await page.goto(`${gatehouse.url}/no/such/page`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  });
});
