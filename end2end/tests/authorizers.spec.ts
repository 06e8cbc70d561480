// An API's Cognito authorizer and stages in the console, following the seed's procedures:
// a user pool with an app client and a confirmed user; an API with a method; Authorizers →
// Create New Authorizer (name, Cognito, region, pool, token source, validation regex); Test
// authorizer with a real token (200, claims), a tampered one, one from another key, an access
// token; a method that uses it (so it cannot be deleted); deploy to stage prod (invoke URL),
// stage variables, roll back; and everything still there after a server restart.
import { generateKeyPairSync, sign } from 'node:crypto';
import path from 'node:path';
import { Page } from '@playwright/test';
import { expect, hydrated, signIn, test } from './server';

// A server of its own: this file asserts empty states.
test.use({ isolation: 'authorizers' });

const POOL_URL = /\/user-pools\/[\w-]+_[0-9A-Za-z]+$/;
const API_URL = /\/apis\/[a-z0-9]{10}$/;
const DOCS = path.resolve(__dirname, '..', '..', 'docs');
const SCREENSHOTS = !!process.env.GATEHOUSE_SCREENSHOTS;

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** The token with one claim changed and the original signature kept. */
function tamper(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims['cognito:username'] = 'mallory';
  return `${header}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/** A well-formed RS256 token with the pool's claims, signed by a key nobody publishes. */
function forge(jwt: string, kid: string): string {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = `${b64url(JSON.stringify({ kid, alg: 'RS256' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

/** A pool with app client "web" and the confirmed user alice; returns ids and her tokens. */
async function poolWithUser(page: Page, base: string, name: string) {
  await page.goto(`${base}/user-pools/new`);
  await hydrated(page);
  await page.getByLabel('Pool name').fill(name);
  await page.getByRole('button', { name: 'Create user pool' }).click();
  await expect(page).toHaveURL(POOL_URL);
  await hydrated(page);
  const poolId = (await page.getByTestId('pool-id').textContent()) ?? '';

  await openTab(page, 'App clients');
  await page.getByLabel('App client name').fill('web');
  await page.getByRole('button', { name: 'Create app client' }).click();
  await expect(page.getByTestId('new-app-client')).toContainText('App client “web” created.');
  const clientId = (await page.getByTestId('new-client-id').textContent()) ?? '';

  await openTab(page, 'Users');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Email', { exact: true }).fill('alice@example.com');
  await page.getByLabel('Temporary password').fill('Temp-Pass-123');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('new-user')).toBeVisible();
  const row = page.getByTestId('user-row').filter({ hasText: 'alice' });
  await row.getByRole('button', { name: 'Manage' }).click();
  await page.getByTestId('user-panel').getByLabel('New password').fill('Alice-Pass-456');
  await page.getByTestId('user-panel').getByRole('button', { name: 'Set password' }).click();
  await expect(row.getByTestId('user-status')).toHaveText('CONFIRMED');

  await openTab(page, 'Get a token');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password', { exact: true }).fill('Alice-Pass-456');
  await page.getByRole('button', { name: 'Get tokens' }).click();
  await expect(page.getByTestId('id-token')).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const idToken = (await page.getByTestId('id-token').textContent()) ?? '';
  const accessToken = (await page.getByTestId('access-token').textContent()) ?? '';
  return { poolId, clientId, idToken, accessToken };
}

/** Creates an API with a GET method on / (a MOCK integration); returns the API id and the
 * method page's URL, and leaves the browser on the API page. */
async function apiWithMethod(page: Page, base: string, name: string): Promise<{ apiId: string; methodUrl: string }> {
  await page.goto(`${base}/apis`);
  await hydrated(page);
  await page.getByLabel('API name').fill(name);
  await page.getByRole('button', { name: 'Create API' }).click();
  await expect(page).toHaveURL(API_URL);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await hydrated(page);
  const apiId = (await page.getByTestId('api-id').textContent()) ?? '';
  await page.getByLabel('Create method').selectOption('GET');
  await page.getByRole('button', { name: 'Create method' }).click();
  // The new method's execution view opens.
  await expect(page).toHaveURL(/\/resources\/\w+\/methods\/GET$/);
  const methodUrl = page.url();
  await page.goto(`${base}/apis/${apiId}`);
  await hydrated(page);
  return { apiId, methodUrl };
}

test.describe('authorizers and stages', () => {
  test('journey: Cognito authorizer, test tool, deploy to prod, roll back, restart', async ({
    page,
    context,
    gatehouse,
  }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    const { poolId, clientId, idToken, accessToken } = await poolWithUser(page, gatehouse.url, 'Shop customers');
    const { apiId, methodUrl } = await apiWithMethod(page, gatehouse.url, 'Orders');
    const apiUrl = `${gatehouse.url}/apis/${apiId}`;

    await test.step('create an authorizer: defaults, inline errors, then saved', async () => {
      await openTab(page, 'Authorizers');
      await expect(page.getByTestId('authorizers-empty')).toBeVisible();
      await page.getByRole('button', { name: 'Create New Authorizer' }).click();
      const form = page.getByTestId('authorizer-form');
      await expect(form.getByLabel('Type')).toHaveValue('Cognito');
      await expect(form.getByLabel('Region')).toHaveValue('us-east-1');
      await expect(form.getByLabel('Token source')).toHaveValue('Authorization');
      await expect(form.getByLabel('Authorization caching (TTL, seconds)')).toHaveValue('300');
      await expect(form.getByText('API Gateway matches this against the ID token\'s aud claim')).toBeVisible();
      const save = form.getByRole('button', { name: 'Create authorizer' });

      await save.click();
      await expect(page.getByTestId('error-name')).toHaveText('Enter a name for the authorizer.');
      await form.getByLabel('Name', { exact: true }).fill('customers');
      await save.click();
      await expect(page.getByTestId('error-name')).toBeEmpty();
      await expect(page.getByTestId('error-pools')).toHaveText('Add at least one user pool (its ARN or issuer URL).');

      // Another region lists no local pools.
      await form.getByLabel('Region').selectOption('eu-west-1');
      await expect(page.getByTestId('authorizer-no-pools')).toContainText('No user pools in eu-west-1');
      await form.getByLabel('Region').selectOption('us-east-1');
      await form.getByRole('checkbox', { name: /Shop customers/ }).check();
      await form.getByLabel('Token validation (optional)').fill('[unclosed');
      await form.getByLabel('Authorization caching (TTL, seconds)').fill('4000');
      await form.getByLabel('External pool ARN or issuer URL (optional)').fill('not-a-pool');
      await save.click();
      await expect(page.getByTestId('error-external_pools')).toContainText("'not-a-pool' is neither a user pool ARN");
      await form.getByLabel('External pool ARN or issuer URL (optional)').fill('');
      await save.click();
      await expect(page.getByTestId('error-ttl')).toHaveText(
        'Authorization caching (TTL) must be a whole number from 0 to 3600.',
      );
      await form.getByLabel('Authorization caching (TTL, seconds)').fill('300');
      await save.click();
      await expect(page.getByTestId('error-validation_expression')).toContainText(
        "Invalid regular expression '[unclosed'",
      );
      await form.getByLabel('Token validation (optional)').fill(clientId);
      await save.click();
      await expect(page.getByTestId('authorizers-notice')).toHaveText('Authorizer “customers” created.');
      await expect(page.getByTestId('authorizer-form')).toHaveCount(0);
      const item = page.getByTestId('authorizer').filter({ hasText: 'customers' });
      await expect(item.getByTestId('authorizer-pools')).toContainText(`Shop customers ${poolId}`);
      await expect(item.getByTestId('authorizer-token-source')).toHaveText('method.request.header.Authorization');
      await expect(item.getByTestId('authorizer-validation')).toContainText(clientId);
      await expect(item.getByTestId('authorizer-used-by')).toHaveText('No methods yet');

      // Names are unique within the API.
      await page.getByRole('button', { name: 'Create New Authorizer' }).click();
      await form.getByLabel('Name', { exact: true }).fill('customers');
      await form.getByRole('checkbox', { name: /Shop customers/ }).check();
      await form.getByLabel('Token validation (optional)').fill(clientId);
      if (SCREENSHOTS) {
        await form.scrollIntoViewIfNeeded();
        await form.screenshot({ path: path.join(DOCS, 'apis-authorizer-form.png') });
      }
      await form.getByRole('button', { name: 'Create authorizer' }).click();
      await expect(page.getByTestId('error-name')).toContainText('Authorizer customers already exists');
      await form.getByRole('button', { name: 'Cancel' }).first().click();
    });

    const panel = page.getByTestId('authorizer-test');
    const runTest = async (token: string, scopes = '') => {
      await panel.getByLabel('Token (Authorization header value)').fill(token);
      await panel.getByLabel('OAuth scopes of the method (optional)').fill(scopes);
      await panel.getByRole('button', { name: 'Test', exact: true }).click();
    };
    const failed = panel.locator('[data-testid="trace-step"][data-state="failed"]');

    await test.step('test authorizer: the ID token passes, with its claims', async () => {
      const item = page.getByTestId('authorizer').filter({ hasText: 'customers' });
      await item.getByRole('button', { name: 'Test' }).click();
      await expect(panel).toBeVisible();
      await runTest(idToken);
      await expect(panel.getByTestId('test-status')).toHaveText('200 OK');
      await expect(panel.getByTestId('test-latency')).toHaveText(/^\d+\.\d ms$/);
      const claims = panel.getByTestId('test-claims');
      await expect(claims.getByTestId('claim-row').filter({ hasText: 'cognito:username' })).toContainText('alice');
      await expect(claims.getByTestId('claim-row').filter({ hasText: /^aud/ })).toContainText(clientId);
      await expect(claims.getByTestId('claim-row').filter({ hasText: 'email' }).first()).toContainText('alice@example.com');
      // exp as API Gateway hands it on: a Java date.
      await expect(claims.getByTestId('claim-row').filter({ hasText: /^exp/ })).toContainText(/UTC 20\d\d$/);
      await expect(failed).toHaveCount(0);
      await expect(panel.getByTestId('test-trace')).toContainText(`aud ${clientId} matches ${clientId}`);
      await expect(panel.getByTestId('test-keys')).toContainText(`${poolId}: this Gatehouse's user pool`);
      if (SCREENSHOTS) {
        await panel.scrollIntoViewIfNeeded();
        await panel.screenshot({ path: path.join(DOCS, 'apis-authorizer-test.png') });
      }
      await runTest(`Bearer ${idToken}`);
      await expect(panel.getByTestId('test-status')).toHaveText('200 OK');
      await expect(panel.getByTestId('test-trace')).toContainText('removed the "Bearer " prefix');
    });

    await test.step('test authorizer: tampered, foreign-key and access tokens are refused with the reason', async () => {
      await runTest(tamper(idToken));
      await expect(panel.getByTestId('test-status')).toHaveText('401 Unauthorized');
      await expect(panel.getByTestId('test-summary')).toContainText('{"message":"Unauthorized"}');
      await expect(failed).toHaveCount(1);
      await expect(failed).toContainText('Signature');
      await expect(failed).toContainText('the signature does not match key kid=');
      await expect(panel.getByTestId('test-claims')).toHaveCount(0);
      await expect(panel.getByTestId('test-token-payload')).toContainText('"cognito:username": "mallory"');
      await expect(panel.locator('[data-testid="trace-step"][data-state="not-run"]').first()).toContainText('Issuer');

      await runTest(forge(idToken, 'stranger-key'));
      await expect(panel.getByTestId('test-status')).toHaveText('401 Unauthorized');
      await expect(failed).toContainText(
        `signed by key kid=stranger-key which is not in pool ${poolId} (did you paste a token from another pool?)`,
      );

      await runTest(accessToken);
      await expect(panel.getByTestId('test-status')).toHaveText('401 Unauthorized');
      await expect(failed).toContainText('this is an access token; methods without OAuth scopes need an ID token');

      // As a scoped method: the access token has the scope, but the validation regex refuses it.
      await runTest(accessToken, 'aws.cognito.signin.user.admin');
      await expect(failed).toContainText('API Gateway refuses access tokens whenever a token validation expression is set');
      await expect(panel.getByTestId('test-trace')).toContainText('the token has the scope aws.cognito.signin.user.admin');

      await runTest('');
      await expect(failed).toContainText('the Authorization header is empty');
      await panel.getByRole('button', { name: 'Close' }).click();
      await expect(panel).toHaveCount(0);
    });

    await test.step('edit: saved, and a stale edit is refused', async () => {
      const item = page.getByTestId('authorizer').filter({ hasText: 'customers' });
      await item.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByTestId('authorizer-form');
      await expect(form.getByLabel('Name', { exact: true })).toHaveValue('customers');
      await expect(form.getByRole('checkbox', { name: /Shop customers/ })).toBeChecked();
      await expect(form.getByLabel('Token validation (optional)')).toHaveValue(clientId);

      // Someone else saves the same authorizer meanwhile.
      const other = await context.newPage();
      await other.goto(`${apiUrl}?tab=authorizers`);
      await hydrated(other);
      await other.getByTestId('authorizer').filter({ hasText: 'customers' }).getByRole('button', { name: 'Edit' }).click();
      await other.getByTestId('authorizer-form').getByLabel('Authorization caching (TTL, seconds)').fill('0');
      await other.getByRole('button', { name: 'Save changes' }).click();
      await expect(other.getByTestId('authorizers-notice')).toHaveText('Authorizer “customers” saved.');
      await expect(other.getByTestId('authorizer').filter({ hasText: 'customers' })).toContainText('off (every request is checked)');
      await other.close();

      await form.getByLabel('Authorization caching (TTL, seconds)').fill('600');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await expect(page.getByTestId('stale-error')).toContainText(
        'This authorizer was changed by someone else since you opened it.',
      );
      await page.getByTestId('stale-error').getByRole('button', { name: 'Reload' }).click();
      await expect(form.getByLabel('Authorization caching (TTL, seconds)')).toHaveValue('0');
      await form.getByLabel('Authorization caching (TTL, seconds)').fill('600');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await expect(page.getByTestId('authorizers-notice')).toHaveText('Authorizer “customers” saved.');
      await expect(item).toContainText('600 s');
    });

    await test.step('a method uses the authorizer, so it cannot be deleted', async () => {
      await page.goto(`${methodUrl}?edit=method-request`);
      await hydrated(page);
      const form = page.getByTestId('method-request-form');
      await form.getByLabel('Authorization').selectOption({ label: 'Cognito user pool authorizer: customers' });
      await form.getByRole('button', { name: 'Save method request' }).click();
      await expect(page.getByText('Method request saved.')).toBeVisible();

      await page.goto(`${apiUrl}?tab=authorizers`);
      await hydrated(page);
      const item = page.getByTestId('authorizer').filter({ hasText: 'customers' });
      await expect(item.getByTestId('authorizer-used-by')).toHaveText('GET /');
      await item.getByRole('button', { name: 'Delete' }).click();
      await item.getByRole('button', { name: 'Cancel' }).click();
      await item.getByRole('button', { name: 'Delete' }).click();
      await item.getByRole('button', { name: 'Confirm delete' }).click();
      await expect(page.getByTestId('form-error')).toHaveText(
        'Authorizer “customers” cannot be deleted: the method GET / uses it. Set its authorization to another authorizer or to NONE first.',
      );
      await expect(item).toBeVisible();
    });

    let first = '';
    let second = '';
    await test.step('deploy to a new stage prod, then again', async () => {
      await openTab(page, 'Stages');
      await expect(page.getByTestId('stages-empty')).toBeVisible();
      const card = page.getByTestId('deploy-card');
      await expect(card.getByLabel('Stage', { exact: true })).toHaveValue('__new__');
      await card.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('error-stage_name')).toHaveText('Enter a name for the new stage.');
      await card.getByLabel('Stage name').fill('prod!');
      await card.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('error-stage_name')).toHaveText('Stage name only allows a-zA-Z0-9_-');
      await card.getByLabel('Stage name').fill('prod');
      await card.getByLabel('Stage description').fill('Production');
      await card.getByLabel('Deployment description').fill('first');
      await card.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('stages-notice')).toContainText('to stage prod.');
      const stage = page.getByTestId('stage').filter({ hasText: 'prod' });
      const invokeUrl = `${gatehouse.gatewayUrl}/${apiId}/prod/`;
      await expect(stage.getByTestId('invoke-url')).toHaveText(invokeUrl);
      await expect(stage).toContainText('Production');
      // The gateway serves it (within a second of the deployment), with the authorizer the
      // Test tool ran: no token is refused, alice's ID token goes through.
      await expect
        .poll(async () => (await fetch(invokeUrl)).status, { timeout: 10_000 })
        .toBe(401);
      expect(await (await fetch(invokeUrl)).json()).toEqual({ message: 'Unauthorized' });
      const allowed = await fetch(invokeUrl, { headers: { Authorization: `Bearer ${idToken}` } });
      expect(allowed.status).toBe(200);
      first = (await page.getByTestId('deployment-row').first().getAttribute('data-deployment')) ?? '';

      await expect(card.getByLabel('Stage', { exact: true })).toHaveValue('prod');
      await card.getByLabel('Deployment description').fill('second');
      await card.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('deployment-row')).toHaveCount(2);
      // (Deployments of the same second have no defined order, so rows are found by description.)
      const secondRow = page.getByTestId('deployment-row').filter({ hasText: 'second' });
      second = (await secondRow.getAttribute('data-deployment')) ?? '';
      expect(second).not.toBe(first);
      await expect(secondRow.getByTestId('deployment-stages')).toHaveText('prod');
      await expect(
        page.locator(`[data-testid="deployment-row"][data-deployment="${first}"]`).getByTestId('deployment-stages'),
      ).toHaveText('');
      await expect(stage.getByTestId('stage-deployment')).toContainText(second);
    });

    await test.step('stage variables: AWS name rules inline, then saved', async () => {
      const stage = page.getByTestId('stage').filter({ hasText: 'prod' });
      await stage.getByRole('button', { name: 'Edit stage settings' }).click();
      await stage.getByRole('button', { name: '+ Add variable' }).click();
      await stage.getByLabel('Variable name').fill('back-end');
      await expect(stage.getByTestId('variable-name-error')).toHaveText(
        '“-” is not allowed: use letters, digits and _ only.',
      );
      await expect(stage.getByRole('button', { name: 'Save stage' })).toBeDisabled();
      await stage.getByLabel('Variable name').fill('backend_host');
      await stage.getByLabel('Variable value').fill('orders.example.com');
      await stage.getByRole('button', { name: 'Save stage' }).click();
      await expect(page.getByTestId('stages-notice')).toHaveText('Stage prod saved.');
      await expect(stage.getByTestId('stage-variables')).toHaveText('backend_host = orders.example.com');
    });

    await test.step('roll back prod to the first deployment (with a confirmation)', async () => {
      const row = page.locator(`[data-testid="deployment-row"][data-deployment="${first}"]`);
      await row.getByRole('button', { name: 'Roll back prod to this' }).click();
      await expect(page.getByTestId('rollback-confirm')).toContainText(`Roll back stage prod from deployment ${second} to deployment ${first}`);
      await page.getByTestId('rollback-confirm').getByRole('button', { name: 'Cancel' }).click();
      await expect(page.getByTestId('rollback-confirm')).toHaveCount(0);
      await row.getByRole('button', { name: 'Roll back prod to this' }).click();
      await page.getByRole('button', { name: 'Confirm roll back' }).click();
      await expect(page.getByTestId('stages-notice')).toHaveText(`Stage prod now serves deployment ${first}.`);
      await expect(row.getByTestId('deployment-stages')).toHaveText('prod');
      await expect(page.getByTestId('stage').filter({ hasText: 'prod' }).getByTestId('stage-deployment')).toContainText(first);
      // Only the pointer moved: both deployments and the variables are still there.
      await expect(page.getByTestId('deployment-row')).toHaveCount(2);
      await expect(page.getByTestId('stage-variables')).toHaveText('backend_host = orders.example.com');
      await expect(
        page.locator(`[data-testid="deployment-row"][data-deployment="${second}"]`).getByRole('button', { name: /^(Move|Roll back) prod to this$/ }),
      ).toBeVisible();
    });

    await test.step('after a server restart everything is still there and the token still passes', async () => {
      await gatehouse.stop();
      await gatehouse.start();
      await page.goto(`${apiUrl}?tab=stages`);
      await hydrated(page);
      if (page.url().includes('/login')) await signIn(page, gatehouse.url);
      await page.goto(`${apiUrl}?tab=stages`);
      await hydrated(page);
      await expect(page.getByTestId('stage').filter({ hasText: 'prod' }).getByTestId('stage-deployment')).toContainText(first);
      await expect(page.getByTestId('deployment-row')).toHaveCount(2);
      await expect(page.getByTestId('stage-variables')).toHaveText('backend_host = orders.example.com');
      const invokeUrl = `${gatehouse.gatewayUrl}/${apiId}/prod/`;
      await expect
        .poll(async () => (await fetch(invokeUrl, { headers: { Authorization: idToken } })).status, { timeout: 10_000 })
        .toBe(200);

      await openTab(page, 'Authorizers');
      const item = page.getByTestId('authorizer').filter({ hasText: 'customers' });
      await expect(item.getByTestId('authorizer-pools')).toContainText(poolId);
      await expect(item).toContainText('600 s');
      await item.getByRole('button', { name: 'Test' }).click();
      await runTest(idToken);
      await expect(panel.getByTestId('test-status')).toHaveText('200 OK');
    });
  });

  test('an external pool whose JWKS cannot be fetched: the test says why', async ({ page, gatehouse }) => {
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    const { apiId } = await apiWithMethod(page, gatehouse.url, 'Inventory');
    await page.goto(`${gatehouse.url}/apis/${apiId}?tab=authorizers`);
    await hydrated(page);
    await page.getByRole('button', { name: 'Create New Authorizer' }).click();
    const form = page.getByTestId('authorizer-form');
    await form.getByLabel('Region').selectOption('eu-west-1');
    await expect(page.getByTestId('authorizer-no-pools')).toContainText('No user pools in eu-west-1');
    await form.getByLabel('Name', { exact: true }).fill('partners');
    // Port 9 (discard) on loopback: nothing listens, the fetch fails at once. (External issuers
    // must be https://: a plain-HTTP one is refused when the authorizer is saved.)
    const issuer = 'https://127.0.0.1:9/eu-west-1_Partner1';
    await form.getByLabel('External pool ARN or issuer URL (optional)').fill(issuer);
    await form.getByRole('button', { name: 'Create authorizer' }).click();
    const item = page.getByTestId('authorizer').filter({ hasText: 'partners' });
    await expect(item.getByTestId('authorizer-pools')).toContainText(`${issuer} (external: keys fetched from its JWKS)`);
    await item.getByRole('button', { name: 'Test' }).click();
    const panel = page.getByTestId('authorizer-test');
    await panel.getByLabel('Token (Authorization header value)').fill(forge(
      `x.${b64url(JSON.stringify({ iss: issuer, token_use: 'id', exp: 4102444800 }))}.x`,
      'partner-key',
    ));
    await panel.getByRole('button', { name: 'Test', exact: true }).click();
    await expect(panel.getByTestId('test-status')).toHaveText('401 Unauthorized');
    await expect(panel.getByTestId('test-warnings')).toContainText(
      `could not fetch the JWKS of pool eu-west-1_Partner1 (${issuer}/.well-known/jwks.json)`,
    );
    await expect(panel.locator('[data-testid="trace-step"][data-state="failed"]')).toContainText(
      'no keys are available for the authorizer\'s pools',
    );
  });
});
