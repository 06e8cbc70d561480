// User pools in the console: list, create (with inline validation), a pool's tabs (overview,
// app clients, users, groups, signing keys, outbox, get a token) and deleting a pool.
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { Page } from '@playwright/test';
import { expect, hydrated, signIn, test } from './server';

// A server of its own: this file asserts empty states.
test.use({ isolation: 'user_pools' });

const POOL_URL = /\/user-pools\/[\w-]+_[0-9A-Za-z]+$/;

/** A public Cognito call on the real wire API (as an SDK would make it). */
async function cognito(base: string, action: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/cognito-idp/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${action} failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret).update(username + clientId).digest('base64');
}

/** The RFC 6238 code of a base32 secret (what an authenticator app shows), `offset` steps on. */
function totp(secret: string, offset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const mac = createHmac('sha1', key).update(step).digest();
  const o = mac[19] & 0x0f;
  return ((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/** Creates a pool through the form and waits for its page; returns its id. */
async function createPool(page: Page, base: string, name: string, customAttributes: string[] = []): Promise<string> {
  await page.goto(`${base}/user-pools/new`);
  await hydrated(page);
  await page.getByLabel('Pool name').fill(name);
  for (const attr of customAttributes) {
    await page.getByRole('button', { name: '+ Add attribute' }).click();
    await page.getByLabel('Custom attribute name').last().fill(attr);
  }
  await page.getByRole('button', { name: 'Create user pool' }).click();
  await expect(page).toHaveURL(POOL_URL);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await hydrated(page);
  return (await page.getByTestId('pool-id').textContent()) ?? '';
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

test.describe('user pools', () => {
  test('empty list, then create-pool validation errors show next to their fields', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await page.goto(`${gatehouse.url}/user-pools`);
    await hydrated(page);
    await expect(page.getByTestId('user-pools-empty')).toBeVisible();
    await page.getByRole('link', { name: 'Create user pool', exact: true }).click();
    await expect(page).toHaveURL(/\/user-pools\/new$/);
    await hydrated(page);

    // Defaults from the issue: 8 characters, all four character classes, 60/60 min, 30 days.
    await expect(page.getByLabel('Minimum length')).toHaveValue('8');
    for (const rule of ['an uppercase letter', 'a lowercase letter', 'a number', 'a symbol']) {
      await expect(page.getByLabel(`Require ${rule}`)).toBeChecked();
    }
    await expect(page.getByLabel('ID token (minutes)')).toHaveValue('60');
    await expect(page.getByLabel('Access token (minutes)')).toHaveValue('60');
    await expect(page.getByLabel('Refresh token (days)')).toHaveValue('30');

    const submit = page.getByRole('button', { name: 'Create user pool' });
    await submit.click();
    await expect(page.getByTestId('error-pool_name')).toHaveText('Enter a name for the pool.');

    await page.getByLabel('Pool name').fill('bad/name');
    await submit.click();
    await expect(page.getByTestId('error-pool_name')).toContainText('“/” is not allowed');
    await expect(page.getByLabel('Pool name')).toHaveAttribute('aria-invalid', 'true');

    await page.getByLabel('Pool name').fill('Valid name');
    await page.getByLabel('Minimum length').fill('4');
    await submit.click();
    await expect(page.getByTestId('error-pool_name')).toBeEmpty();
    await expect(page.getByTestId('error-password_min_length')).toHaveText(
      'Minimum length must be a whole number from 6 to 99.',
    );

    await page.getByLabel('Minimum length').fill('8');
    await page.getByRole('button', { name: '+ Add attribute' }).click();
    await page.getByLabel('Custom attribute name').fill('email');
    await submit.click();
    await expect(page.getByTestId('error-custom-attribute')).toContainText('“email” is a standard attribute');
    await page.getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByTestId('custom-attributes-empty')).toBeVisible();
    await expect(page).toHaveURL(/\/user-pools\/new$/);
  });

  test('journey: pool with custom:role, client with a secret, users, outbox code, confirm, tokens', async ({
    page,
    context,
    gatehouse,
  }) => {
    test.setTimeout(180_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gatehouse.url });
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');

    const poolId = await createPool(page, gatehouse.url, 'Orders', ['role']);

    await test.step('overview: identifiers with copy buttons, settings summary', async () => {
      await expect(page.getByRole('tablist')).toBeVisible();
      await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('User pools/Orders/Overview');
      await expect(page.getByTestId('pool-pool-id')).toHaveText(poolId);
      await expect(page.getByTestId('pool-arn')).toHaveText(new RegExp(`^arn:aws:cognito-idp:[\\w-]+:\\d{12}:userpool/${poolId}$`));
      const issuer = `${gatehouse.url}/cognito-idp/${poolId}`;
      await expect(page.getByTestId('pool-issuer')).toHaveText(issuer);
      await expect(page.getByTestId('pool-jwks-url')).toHaveText(`${issuer}/.well-known/jwks.json`);
      await expect(page.getByTestId('pool-settings')).toContainText('custom:role');
      await expect(page.getByTestId('pool-settings')).toContainText('At least 8 characters');

      await page.getByRole('button', { name: 'Copy pool ID' }).click();
      await expect(page.getByRole('button', { name: 'Copy pool ID' })).toContainText('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(poolId);

      // The JWKS URL shown is the one the server really serves.
      const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      expect(jwks.keys.length).toBe(2);
    });

    let clientId = '';
    let clientSecret = '';
    await test.step('app clients: create one with a secret, reveal it', async () => {
      await openTab(page, 'App clients');
      await expect(page.getByTestId('app-clients-empty')).toBeVisible();
      await page.getByLabel('App client name').fill('web');
      await page.getByLabel('Generate a client secret').check();
      await expect(page.getByLabel('ALLOW_USER_PASSWORD_AUTH')).toBeChecked();
      await page.getByRole('button', { name: 'Create app client' }).click();
      await expect(page.getByTestId('new-app-client')).toContainText('App client “web” created.');
      clientId = (await page.getByTestId('new-client-id').textContent()) ?? '';
      clientSecret = (await page.getByTestId('new-client-secret').textContent()) ?? '';
      expect(clientId).toMatch(/^[a-z0-9]{26}$/);
      expect(clientSecret.length).toBeGreaterThanOrEqual(24);
      const item = page.getByTestId('app-client').filter({ hasText: 'web' });
      await expect(item.getByTestId('client-id')).toHaveText(clientId);
      await expect(item).toContainText('ALLOW_USER_PASSWORD_AUTH');
      await expect(item.getByTestId('client-secret')).toHaveCount(0);
      await item.getByRole('button', { name: 'Reveal secret' }).click();
      await expect(item.getByTestId('client-secret')).toHaveText(clientSecret);
      await item.getByRole('button', { name: 'Hide' }).click();
      await expect(item.getByTestId('client-secret')).toHaveCount(0);
    });

    await test.step('users: create alice with custom:role and a temporary password', async () => {
      await openTab(page, 'Users');
      await expect(page.getByTestId('users-empty')).toBeVisible();
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Email', { exact: true }).fill('alice@example.com');
      await page.getByLabel('custom:role').fill('admin');
      await page.getByLabel('Temporary password').fill('short');
      await page.getByRole('button', { name: 'Create user' }).click();
      await expect(page.getByTestId('error-temporary_password')).toContainText('Password did not conform with policy');
      await page.getByLabel('Temporary password').fill('Temp-Pass-123');
      await page.getByRole('button', { name: 'Create user' }).click();
      await expect(page.getByTestId('new-user')).toContainText('User “alice” created (FORCE_CHANGE_PASSWORD).');
      const row = page.getByTestId('user-row').filter({ hasText: 'alice' });
      await expect(row.getByTestId('user-status')).toHaveText('FORCE_CHANGE_PASSWORD');
      await row.getByRole('button', { name: 'Manage' }).click();
      await expect(page.getByTestId('user-attributes')).toContainText('custom:role');
      await expect(page.getByTestId('user-attributes')).toContainText('admin');
    });

    await test.step('get a token: NEW_PASSWORD_REQUIRED is explained, then answered', async () => {
      await openTab(page, 'Get a token');
      await expect(page.getByText('This is how an API owner gets a token to paste into an authorizer test')).toBeVisible();
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password', { exact: true }).fill('Temp-Pass-123');
      await page.getByRole('button', { name: 'Get tokens' }).click();
      await expect(page.getByTestId('new-password-required')).toContainText('NEW_PASSWORD_REQUIRED');
      await page.getByLabel('New password', { exact: true }).fill('Perm-Pass-456');
      await page.getByRole('button', { name: 'Get tokens' }).click();
      await expect(page.getByTestId('id-token')).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      await expect(page.getByTestId('access-token')).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      await expect(page.getByTestId('refresh-token')).not.toBeEmpty();
      const idClaims = page.getByTestId('id-token-claims');
      await expect(idClaims).toContainText('"custom:role": "admin"');
      await expect(idClaims).toContainText('"token_use": "id"');
      await expect(idClaims).toContainText(`"aud": "${clientId}"`);
      await expect(page.getByTestId('access-token-claims')).toContainText('"token_use": "access"');
      const copy = page.getByRole('button', { name: 'Copy id token', exact: true });
      await copy.click();
      await expect(copy).toContainText('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
        (await page.getByTestId('id-token').textContent()) ?? '',
      );
    });

    await test.step('outbox: the code of a SignUp made on the wire API', async () => {
      await openTab(page, 'Outbox');
      // alice's invitation (her temporary password) is already there.
      await expect(page.getByTestId('outbox-row')).toHaveCount(1);
      await expect(page.getByTestId('outbox-row').first()).toContainText('Invitation');
      const signUp = await cognito(gatehouse.url, 'SignUp', {
        ClientId: clientId,
        Username: 'bob',
        Password: 'Bob-Pass-789',
        SecretHash: secretHash(clientSecret, 'bob', clientId),
        UserAttributes: [
          { Name: 'email', Value: 'bob@example.com' },
          { Name: 'custom:role', Value: 'viewer' },
        ],
      });
      expect(signUp.UserConfirmed).toBe(false);
      await page.getByRole('button', { name: 'Refresh' }).click();
      const newest = page.getByTestId('outbox-row').first();
      await expect(newest).toContainText('bob@example.com');
      await expect(newest).toContainText('Sign-up confirmation');
      await expect(newest.getByTestId('outbox-code')).toHaveText(/^\d{6}$/);
    });

    await test.step('users: search, then confirm the signed-up user', async () => {
      await openTab(page, 'Users');
      await expect(page.getByTestId('user-row')).toHaveCount(2);
      await page.getByLabel('Search users').fill('bo');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByTestId('user-row')).toHaveCount(1);
      const bob = page.getByTestId('user-row').filter({ hasText: 'bob' });
      await expect(bob.getByTestId('user-status')).toHaveText('UNCONFIRMED');
      await bob.getByRole('button', { name: 'Confirm' }).click();
      await expect(bob.getByTestId('user-status')).toHaveText('CONFIRMED');
      await page.getByLabel('Search users').fill('alice@');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByTestId('user-row')).toHaveCount(1);
      await expect(page.getByTestId('user-row')).toContainText('alice');
      await expect(page.getByTestId('user-row').getByTestId('user-status')).toHaveText('CONFIRMED');
    });

    await test.step('get a token for the confirmed user', async () => {
      await openTab(page, 'Get a token');
      await page.getByLabel('Username').fill('bob');
      await page.getByLabel('Password', { exact: true }).fill('wrong-Pass-1');
      await page.getByRole('button', { name: 'Get tokens' }).click();
      await expect(page.getByTestId('form-error')).toHaveText('Incorrect username or password.');
      await page.getByLabel('Password', { exact: true }).fill('Bob-Pass-789');
      await page.getByRole('button', { name: 'Get tokens' }).click();
      await expect(page.getByTestId('id-token-claims')).toContainText('"custom:role": "viewer"');
      await expect(page.getByTestId('id-token-claims')).toContainText('"cognito:username": "bob"');
    });

    await test.step('a client with only ALLOW_ADMIN_USER_PASSWORD_AUTH signs in through AdminInitiateAuth', async () => {
      await openTab(page, 'App clients');
      await page.getByLabel('App client name').fill('backend');
      await page.getByLabel('ALLOW_USER_PASSWORD_AUTH').uncheck();
      await page.getByLabel('ALLOW_ADMIN_USER_PASSWORD_AUTH').check();
      await page.getByText('Token validity (optional)').click();
      await page.getByLabel('ID token (minutes)').fill('2');
      await page.getByRole('button', { name: 'Create app client' }).click();
      await expect(page.getByTestId('error-id_token_minutes')).toHaveText(
        'ID token validity (minutes) must be a whole number from 5 to 1440.',
      );
      await page.getByLabel('ID token (minutes)').fill('30');
      await page.getByRole('button', { name: 'Create app client' }).click();
      await expect(page.getByTestId('new-app-client')).toContainText('App client “backend” created.');
      const backendId = (await page.getByTestId('new-client-id').textContent()) ?? '';
      const item = page.getByTestId('app-client').filter({ hasText: 'backend' });
      await expect(item).toContainText('ID 30 minutes');
      await expect(item).toContainText('None (public client)');

      await openTab(page, 'Get a token');
      await page.getByLabel('App client').selectOption(backendId);
      await page.getByLabel('Username').fill('bob');
      await page.getByLabel('Password', { exact: true }).fill('Bob-Pass-789');
      await page.getByRole('button', { name: 'Get tokens' }).click();
      await expect(page.getByText('Through AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH).')).toBeVisible();
      await expect(page.getByTestId('id-token-claims')).toContainText(`"aud": "${backendId}"`);
    });
  });

  test('MFA: the pool setting, a user\'s authenticator shown and reset', async ({ page, gatehouse }) => {
    test.setTimeout(120_000);
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await createPool(page, gatehouse.url, 'Second factor');

    const card = page.getByRole('region', { name: 'Multi-factor authentication' });
    await card.getByLabel('MFA').selectOption('ON');
    await card.getByRole('button', { name: 'Save MFA' }).click();
    await expect(card.getByRole('alert')).toContainText("can't turn on MFA without any enabled MFA type");
    await card.getByLabel('Authenticator apps (TOTP)').check();
    await card.getByLabel('MFA').selectOption('OPTIONAL');
    await card.getByRole('button', { name: 'Save MFA' }).click();
    await expect(card.getByRole('status')).toHaveText('Saved.');
    await page.reload();
    await hydrated(page);
    await expect(card.getByLabel('MFA')).toHaveValue('OPTIONAL');
    await expect(card.getByLabel('Authenticator apps (TOTP)')).toBeChecked();

    await openTab(page, 'App clients');
    await page.getByLabel('App client name').fill('spa');
    await page.getByRole('button', { name: 'Create app client' }).click();
    const clientId = (await page.getByTestId('new-client-id').textContent()) ?? '';
    await openTab(page, 'Users');
    await page.getByLabel('Username').fill('mia');
    await page.getByRole('button', { name: 'Create user' }).click();
    const row = page.getByTestId('user-row').filter({ hasText: 'mia' });
    await row.getByRole('button', { name: 'Manage' }).click();
    const panel = page.getByTestId('user-panel');
    await expect(panel.getByTestId('user-mfa')).toHaveText('None set up.');
    await panel.getByLabel('New password').fill('Mia-Pass-123');
    await panel.getByRole('button', { name: 'Set password' }).click();
    await expect(row.getByTestId('user-status')).toHaveText('CONFIRMED');

    // The user sets up an authenticator app, as a front-end would.
    const signIn_ = () => cognito(gatehouse.url, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: 'mia', PASSWORD: 'Mia-Pass-123' },
    });
    const tokens = (await signIn_()).AuthenticationResult as { AccessToken: string };
    const { SecretCode } = (await cognito(gatehouse.url, 'AssociateSoftwareToken', { AccessToken: tokens.AccessToken })) as { SecretCode: string };
    await cognito(gatehouse.url, 'VerifySoftwareToken', { AccessToken: tokens.AccessToken, UserCode: totp(SecretCode) });
    expect((await signIn_()).ChallengeName).toBe('SOFTWARE_TOKEN_MFA');

    // "Get a token" asks for the authenticator code, then signs in with it.
    await openTab(page, 'Get a token');
    await page.getByLabel('Username').fill('mia');
    await page.getByLabel('Password', { exact: true }).fill('Mia-Pass-123');
    await page.getByRole('button', { name: 'Get tokens' }).click();
    await expect(page.getByTestId('mfa-code-required')).toBeVisible();
    await page.getByLabel('Authenticator code').fill(totp(SecretCode, 1));
    await page.getByRole('button', { name: 'Get tokens' }).click();
    await expect(page.getByTestId('tokens-placeholder')).toHaveCount(0);
    await expect(page.getByText('RespondToAuthChallenge (SOFTWARE_TOKEN_MFA)')).toBeVisible();

    // The console shows it, and an administrator resets it (a lost phone).
    await openTab(page, 'Users');
    await row.getByRole('button', { name: 'Manage' }).click();
    await expect(row.getByRole('button', { name: 'Close' })).toBeVisible();
    await row.getByRole('button', { name: 'Close' }).click();
    await row.getByRole('button', { name: 'Manage' }).click();
    await expect(panel.getByTestId('user-mfa')).toContainText('Authenticator app (TOTP), preferred');
    await panel.getByRole('button', { name: 'Reset MFA' }).click();
    await expect(panel.getByTestId('user-mfa')).toHaveText('None set up.');
    expect((await signIn_()).AuthenticationResult).toBeTruthy();
  });

  test('users: groups, disable and enable, set a password, delete', async ({ page, gatehouse }) => {
    test.setTimeout(120_000);
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await createPool(page, gatehouse.url, 'Staff');

    await openTab(page, 'Groups');
    await expect(page.getByTestId('groups-empty')).toBeVisible();
    await page.getByLabel('Group name').fill('admins');
    await page.getByLabel('Description').fill('Can change things');
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect(page.getByTestId('groups-table')).toContainText('admins');
    await expect(page.getByTestId('groups-table')).toContainText('Can change things');
    await page.getByLabel('Group name').fill('admins');
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect(page.getByTestId('error-group_name')).toContainText('already exists');

    await openTab(page, 'Users');
    await page.getByLabel('Username').fill('carol');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByTestId('new-user-temporary-password')).not.toBeEmpty();
    await page.getByLabel('Username').fill('carol');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByTestId('error-username')).toHaveText('User already exists');

    const row = page.getByTestId('user-row').filter({ hasText: 'carol' });
    await row.getByRole('button', { name: 'Manage' }).click();
    const panel = page.getByTestId('user-panel');
    await panel.getByRole('button', { name: 'Add to group' }).click();
    await expect(panel.getByTestId('user-groups')).toContainText('admins');
    await panel.getByRole('button', { name: 'Remove from admins' }).click();
    await expect(panel.getByTestId('user-groups')).toHaveCount(0);

    await panel.getByRole('button', { name: 'Disable user' }).click();
    await expect(row).toContainText('Disabled');
    await panel.getByRole('button', { name: 'Enable user' }).click();
    await expect(row).not.toContainText('Disabled');

    await panel.getByLabel('New password').fill('Carol-Pass-1');
    await panel.getByRole('button', { name: 'Set password' }).click();
    await expect(panel.getByText('Password set.')).toBeVisible();
    await expect(row.getByTestId('user-status')).toHaveText('CONFIRMED');

    await panel.getByRole('button', { name: 'Delete user' }).click();
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toBeVisible();
    await panel.getByRole('button', { name: 'Delete user' }).click();
    await panel.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(page.getByTestId('users-empty')).toBeVisible();
  });

  test('signing keys: rotating (after a confirmation) adds two active keys and retires the old ones', async ({
    page,
    gatehouse,
  }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await createPool(page, gatehouse.url, 'Keys');
    await openTab(page, 'Outbox');
    await expect(page.getByTestId('outbox-empty')).toBeVisible();

    await openTab(page, 'Signing keys');
    const rows = page.getByTestId('key-row');
    await expect(rows).toHaveCount(2);
    await expect(page.getByTestId('key-status').filter({ hasText: 'active' })).toHaveCount(2);
    await page.getByRole('button', { name: 'Rotate keys…' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(rows).toHaveCount(2);
    await page.getByRole('button', { name: 'Rotate keys…' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await expect(page.getByText('Keys rotated.')).toBeVisible();
    await expect(rows).toHaveCount(4);
    await expect(page.getByTestId('key-status').filter({ hasText: 'active' })).toHaveCount(2);
    await expect(page.getByTestId('key-status').filter({ hasText: 'retiring' })).toHaveCount(2);
  });

  test('delete a pool: the name must be typed, then back to the list', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    const poolId = await createPool(page, gatehouse.url, 'Doomed pool');
    await page.getByRole('button', { name: 'Delete pool…' }).click();
    const confirm = page.getByRole('button', { name: 'Delete this user pool' });
    await expect(confirm).toBeDisabled();
    await page.getByLabel('to confirm').fill('Doomed');
    await expect(confirm).toBeDisabled();
    await page.getByLabel('to confirm').fill('Doomed pool');
    await expect(confirm).toBeEnabled();
    await confirm.click();
    await expect(page).toHaveURL(/\/user-pools$/);
    await expect(page.getByRole('heading', { level: 1, name: 'User pools' })).toBeVisible();
    await expect(page.getByText(poolId)).toHaveCount(0);

    // Its page now says so instead of failing.
    await page.goto(`${gatehouse.url}/user-pools/${poolId}`);
    await expect(page.getByRole('alert')).toHaveText(`User pool ${poolId} does not exist.`);
  });

  test('screenshots for docs/ (GATEHOUSE_SCREENSHOTS=1)', async ({ page, gatehouse }) => {
    test.skip(!process.env.GATEHOUSE_SCREENSHOTS, 'set GATEHOUSE_SCREENSHOTS=1 to refresh docs/ screenshots');
    test.setTimeout(120_000);
    const docs = path.resolve(__dirname, '..', '..', 'docs');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await createPool(page, gatehouse.url, 'Customers', ['role', 'tenant']);
    await openTab(page, 'App clients');
    await page.getByLabel('App client name').fill('web');
    await page.getByRole('button', { name: 'Create app client' }).click();
    await expect(page.getByTestId('new-app-client')).toBeVisible();
    await openTab(page, 'Users');
    await page.getByLabel('Username').fill('dana');
    await page.getByLabel('Email', { exact: true }).fill('dana@example.com');
    await page.getByLabel('custom:role').fill('editor');
    await page.getByLabel('Temporary password').fill('Dana-Pass-123');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByTestId('new-user')).toBeVisible();
    const row = page.getByTestId('user-row').filter({ hasText: 'dana' });
    await row.getByRole('button', { name: 'Manage' }).click();
    await page.getByTestId('user-panel').getByLabel('New password').fill('Dana-Pass-456');
    await page.getByTestId('user-panel').getByRole('button', { name: 'Set password' }).click();
    await expect(row.getByTestId('user-status')).toHaveText('CONFIRMED');

    await page.goto(`${gatehouse.url}/user-pools`);
    await hydrated(page);
    await expect(page.getByTestId('user-pools-table')).toBeVisible();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(docs, 'user-pools-list.png') });

    await page.getByRole('link', { name: 'Customers' }).click();
    await expect(page.getByTestId('pool-settings')).toBeVisible();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(docs, 'user-pools-overview.png'), fullPage: true });

    await openTab(page, 'Get a token');
    await page.getByLabel('Username').fill('dana');
    await page.getByLabel('Password', { exact: true }).fill('Dana-Pass-456');
    await page.getByRole('button', { name: 'Get tokens' }).click();
    await expect(page.getByTestId('id-token-claims')).toContainText('custom:role');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(docs, 'user-pools-get-a-token.png'), fullPage: true });

    await page.getByTestId('theme-toggle').click();
    await openTab(page, 'Users');
    await expect(page.getByTestId('users-table')).toBeVisible();
    await page.getByTestId('user-row').filter({ hasText: 'dana' }).getByRole('button', { name: 'Manage' }).click();
    await expect(page.getByTestId('user-attributes')).toBeVisible();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(docs, 'user-pools-users-dark.png'), fullPage: true });
    await page.getByTestId('theme-toggle').click();
  });
});
