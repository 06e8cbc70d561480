import { expect, hydrated, signIn, test } from './server';

// A server of its own: this file asserts empty states.
test.use({ isolation: 'settings' });

test.describe('settings', () => {
  test('access keys: create shows the secret once, delete asks for confirmation', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await page.goto(`${gatehouse.url}/settings`);
    await hydrated(page);
    await expect(page.getByTestId('access-keys-empty')).toBeVisible();

    await page.getByLabel('Description').fill('CI deploy');
    await page.getByRole('button', { name: 'Create access key' }).click();
    const id = page.getByTestId('new-access-key-id');
    await expect(id).toHaveText(/^AKIA[A-Z0-9]{16}$/);
    await expect(page.getByTestId('new-secret-access-key')).toHaveText(/^[A-Za-z0-9+/]{40}$/);
    const keyId = (await id.textContent()) ?? '';
    const table = page.getByTestId('access-keys-table');
    await expect(table).toContainText(keyId);
    await expect(table).toContainText('CI deploy');

    // The secret is gone after a reload: it is shown exactly once.
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId('new-secret-access-key')).toHaveCount(0);
    await expect(page.getByTestId('access-keys-table')).toContainText(keyId);

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('access-keys-table')).toContainText(keyId);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(page.getByTestId('access-keys-empty')).toBeVisible();
  });

  test('change password: mismatched confirmation is an inline field error', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await page.goto(`${gatehouse.url}/settings`);
    await hydrated(page);
    await page.getByLabel('Current password').fill('whatever-it-is');
    await page.getByLabel('New password', { exact: true }).fill('a-new-password-1');
    await page.getByLabel('Confirm new password').fill('a-different-one-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByTestId('error-confirm_password')).toHaveText('The new passwords do not match.');
  });

  test('add an administrator: it appears in the list', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await page.goto(`${gatehouse.url}/settings`);
    await hydrated(page);
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Add administrator' }) });
    await form.getByLabel('Username').fill('x');
    await form.getByLabel('Initial password').fill('ops-password-123');
    await form.getByRole('button', { name: 'Add administrator' }).click();
    await expect(form.getByTestId('error-username')).toContainText('Username must be');
    await form.getByLabel('Username').fill('ops');
    await form.getByRole('button', { name: 'Add administrator' }).click();
    await expect(page.getByTestId('admins-table')).toContainText('ops');
  });
});
