// The gateway driven from the console, following the seed: a user pool with a confirmed user;
// an API whose GET / is guarded by a Cognito authorizer and answers through a MOCK integration
// with the seed's claims template, typed with the live preview (a syntax error shows its
// line:column, a pasted token's claims are used); deploy to prod; then the invoke URL called
// from the test (401 without a token, 200 with the ID token and its claims in the body); a
// Method Test from the console with its execution log; the stage's Logs listing the requests.
import path from 'node:path';
import { Page } from '@playwright/test';
import { expect, hydrated, signIn, test } from './server';

// A server of its own: this file asserts empty states.
test.use({ isolation: 'gateway' });

const POOL_URL = /\/user-pools\/[\w-]+_[0-9A-Za-z]+$/;
const API_URL = /\/apis\/[a-z0-9]{10}$/;
const DOCS = path.resolve(__dirname, '..', '..', 'docs');
const SCREENSHOTS = !!process.env.GATEHOUSE_SCREENSHOTS;
const SAMPLE_SUB = '11111111-2222-3333-4444-555555555555';

// The seed's template: the claims the authorizer verified, in the response body.
const SEED_TEMPLATE = `{
  "context" : {
    "sub" : "$context.authorizer.claims.sub",
    "username" : "$context.authorizer.claims['cognito:username']",
    "email" : "$context.authorizer.claims.email"
  }
}`;
const BROKEN_TEMPLATE = '{\n  "sub" : "$context.authorizer.claims.sub",\n  #if($x\n}';

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

/** A pool with app client "web" and the confirmed user alice; returns her ID token. */
async function poolWithUser(page: Page, base: string, name: string) {
  await page.goto(`${base}/user-pools/new`);
  await hydrated(page);
  await page.getByLabel('Pool name').fill(name);
  await page.getByRole('button', { name: 'Create user pool' }).click();
  await expect(page).toHaveURL(POOL_URL);
  await hydrated(page);

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
  return { clientId, idToken };
}

test.describe('gateway from the console', () => {
  test('journey: template preview, deploy, invoke, Method Test, stage logs', async ({ page, gatehouse }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    const { clientId, idToken } = await poolWithUser(page, gatehouse.url, 'Gateway customers');

    // An API with GET / (the console's MOCK defaults).
    await page.goto(`${gatehouse.url}/apis`);
    await hydrated(page);
    await page.getByLabel('API name').fill('Profiles');
    await page.getByRole('button', { name: 'Create API' }).click();
    await expect(page).toHaveURL(API_URL);
    await hydrated(page);
    const apiId = (await page.getByTestId('api-id').textContent()) ?? '';
    const apiUrl = `${gatehouse.url}/apis/${apiId}`;
    await page.getByLabel('Create method').selectOption('GET');
    await page.getByRole('button', { name: 'Create method' }).click();
    await expect(page).toHaveURL(/\/resources\/\w+\/methods\/GET$/);
    const methodUrl = page.url();

    await test.step('a Cognito authorizer guards GET /', async () => {
      await page.goto(`${apiUrl}?tab=authorizers`);
      await hydrated(page);
      await page.getByRole('button', { name: 'Create New Authorizer' }).click();
      const form = page.getByTestId('authorizer-form');
      await form.getByLabel('Name', { exact: true }).fill('customers');
      await form.getByRole('checkbox', { name: /Gateway customers/ }).check();
      await form.getByLabel('Token validation (optional)').fill(clientId);
      await form.getByRole('button', { name: 'Create authorizer' }).click();
      await expect(page.getByTestId('authorizers-notice')).toHaveText('Authorizer “customers” created.');

      await page.goto(`${methodUrl}?edit=method-request`);
      await hydrated(page);
      const mreq = page.getByTestId('method-request-form');
      await mreq.getByLabel('Authorization').selectOption({ label: 'Cognito user pool authorizer: customers' });
      await mreq.getByRole('button', { name: 'Save method request' }).click();
      await expect(page.getByText('Method request saved.')).toBeVisible();
    });

    await test.step('the response template with its live preview', async () => {
      await page.goto(`${methodUrl}?edit=integration-response`);
      await hydrated(page);
      const ires = page.getByTestId('integration-response-200');
      await ires.getByRole('button', { name: '+ Add mapping template' }).click();
      await ires.getByLabel('Content type').fill('application/json');
      const editor = ires.getByLabel('Response template');
      const preview = ires.getByTestId('template-preview');
      const previewError = preview.getByTestId('template-preview-error');
      const output = preview.getByTestId('template-preview-output');

      // A syntax error shows as it is typed, with its line and column.
      await editor.fill(BROKEN_TEMPLATE);
      await expect(previewError).toContainText('Syntax error:');
      await expect(previewError).toContainText('at 4:1');
      await expect(previewError).toHaveAttribute('data-line', '4');

      // The seed's template renders against sample claims...
      await editor.fill(SEED_TEMPLATE);
      await expect(output).toContainText(`"sub" : "${SAMPLE_SUB}"`);
      await expect(output).toContainText('"username" : "sample-user"');
      await expect(preview).toContainText('with sample claims');
      // ...and against a pasted token's (decoded, not verified).
      await preview.getByTestId('template-preview-token').fill('not-a-token');
      await expect(previewError).toContainText('The token is not a JWT');
      await preview.getByTestId('template-preview-token').fill(idToken);
      await expect(output).toContainText('"username" : "alice"');
      await expect(output).toContainText('"email" : "alice@example.com"');
      await expect(preview).toContainText('claims of the pasted token (decoded, not verified)');
      if (SCREENSHOTS) {
        await page.setViewportSize({ width: 1280, height: 1400 });
        const row = ires.getByTestId('response_templates-row');
        await row.scrollIntoViewIfNeeded();
        await row.screenshot({ path: path.join(DOCS, 'apis-template-preview.png') });
        await page.setViewportSize({ width: 1280, height: 900 });
      }

      // Saving a template that does not parse is refused beside it, with the same place.
      await editor.fill(BROKEN_TEMPLATE);
      await ires.getByRole('button', { name: 'Save integration response' }).click();
      await expect(ires.getByTestId('error-row')).toContainText('Line 4, column 1: the template does not parse');
      await editor.fill(SEED_TEMPLATE);
      await ires.getByRole('button', { name: 'Save integration response' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Integration response 200 saved.');
    });

    const invokeUrl = `${gatehouse.gatewayUrl}/${apiId}/prod/`;
    let sub = '';
    await test.step('deploy to prod; the invoke URL refuses no token and serves the ID token', async () => {
      await page.goto(`${apiUrl}?tab=stages`);
      await hydrated(page);
      const card = page.getByTestId('deploy-card');
      await card.getByLabel('Stage name').fill('prod');
      await card.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('stages-notice')).toContainText('to stage prod.');
      await expect(page.getByTestId('stage').filter({ hasText: 'prod' }).getByTestId('invoke-url')).toHaveText(invokeUrl);

      await expect.poll(async () => (await fetch(invokeUrl)).status, { timeout: 10_000 }).toBe(401);
      const refused = await fetch(invokeUrl);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
      expect(await refused.json()).toEqual({ message: 'Unauthorized' });

      const allowed = await fetch(invokeUrl, { headers: { Authorization: idToken } });
      expect(allowed.status).toBe(200);
      const body = await allowed.json();
      expect(body.context.username).toBe('alice');
      expect(body.context.email).toBe('alice@example.com');
      sub = body.context.sub;
      expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    });

    await test.step('Method Test: status, body, authorizer checks and the execution log', async () => {
      await page.goto(methodUrl);
      await hydrated(page);
      await page.getByTestId('method-test-open').click();
      await expect(page).toHaveURL(/\?edit=test$/);
      const panel = page.getByTestId('method-test-panel');
      const run = panel.getByRole('button', { name: 'Test', exact: true });

      // Without a token: 401 from the authorizer's first check.
      await run.click();
      await expect(panel.getByTestId('method-test-status')).toHaveText('401');
      await expect(panel.getByTestId('method-test-authorizer-verdict')).toHaveText('denied');
      await expect(panel.getByTestId('method-test-body')).toContainText('"message": "Unauthorized"');
      await expect(panel.getByTestId('method-test-log')).toContainText('Authorizer customers: denied at “Token header present”');
      await expect(panel.getByTestId('method-test-integration-request')).toHaveCount(0);

      // A malformed header line is refused beside the field.
      await panel.getByLabel('Headers').fill('Authorization');
      await run.click();
      await expect(panel.getByTestId('error-headers')).toHaveText('Line 1: write each header as Name: value.');

      await panel.getByLabel('Headers').fill(`Authorization: ${idToken}\nAccept: application/json`);
      await run.click();
      await expect(panel.getByTestId('method-test-status')).toHaveText('200');
      await expect(panel.getByTestId('error-headers')).toBeEmpty();
      await expect(panel.getByTestId('method-test-latency')).toHaveText(/^\d+\.\d\d ms$/);
      await expect(panel.getByTestId('method-test-body')).toContainText(`"sub": "${sub}"`);
      await expect(panel.getByTestId('method-test-body')).toContainText('"username": "alice"');
      await expect(panel.getByTestId('method-test-headers')).toContainText('x-amzn-requestid: ');
      await expect(panel.getByTestId('method-test-authorizer-verdict')).toHaveText('allowed');
      await expect(panel.getByTestId('method-test-check').filter({ hasText: 'Not expired' })).toBeVisible();
      await expect(panel.getByTestId('method-test-claims')).toContainText('cognito:username');
      await expect(panel.getByTestId('method-test-integration-request')).toContainText('MOCK (no backend call)');
      await expect(panel.getByTestId('method-test-integration-request')).toContainText('"statusCode": 200');
      await expect(panel.getByTestId('method-test-integration-response')).toContainText('Status 200');
      const log = panel.getByTestId('method-test-log');
      await expect(log).toContainText('Starting execution for request: ');
      await expect(log).toContainText('HTTP Method: GET, Resource Path: /');
      await expect(log).toContainText(/Authorizer customers: allowed, \d+ checks passed/);
      await expect(log).toContainText('Integration response selected: 200');
      await expect(log).toContainText(`Method response body after transformations: {`);
      await expect(log).toContainText('Method completed with status: 200');
      if (SCREENSHOTS) {
        await page.setViewportSize({ width: 1280, height: 2200 });
        await panel.scrollIntoViewIfNeeded();
        await panel.screenshot({ path: path.join(DOCS, 'apis-method-test.png') });
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });

    await test.step('the stage Logs list the invoke requests, newest first', async () => {
      await page.goto(`${apiUrl}?tab=stages`);
      await hydrated(page);
      const stage = page.locator('[data-testid="stage"][data-stage="prod"]');
      await stage.getByTestId('stage-logs-toggle').click();
      const logs = stage.getByTestId('stage-logs');
      const rows = logs.getByTestId('stage-log-row');
      await expect(rows.first()).toHaveAttribute('data-status', '200');
      await expect(rows.first().getByTestId('stage-log-auth')).toHaveText(`Allowed · sub ${sub}`);
      await expect(rows.first()).toContainText('GET /');
      const denied = logs.locator('[data-testid="stage-log-row"][data-status="401"]');
      await expect(denied.first().getByTestId('stage-log-auth')).toContainText('Denied · identity_source:');
      // The Method Test ran on the working copy, not on the stage: it is not listed.
      const count = await rows.count();
      expect(count).toBeGreaterThanOrEqual(2);

      // A new request shows after Refresh.
      const again = await fetch(invokeUrl, { headers: { Authorization: idToken } });
      expect(again.status).toBe(200);
      await logs.getByTestId('stage-logs-refresh').click();
      await expect(rows).toHaveCount(count + 1);
      await expect(rows.first().getByTestId('stage-log-auth')).toHaveText(`Allowed (cached) · sub ${sub}`);
      if (SCREENSHOTS) {
        await page.setViewportSize({ width: 1280, height: 1400 });
        await stage.scrollIntoViewIfNeeded();
        await stage.screenshot({ path: path.join(DOCS, 'apis-stage-logs.png') });
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });

    await test.step('a stage with no traffic shows the empty state', async () => {
      const card = page.getByTestId('deploy-card');
      await card.getByLabel('Stage', { exact: true }).selectOption('__new__');
      await card.getByLabel('Stage name').fill('dev');
      await card.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('stages-notice')).toContainText('to stage dev.');
      const dev = page.locator('[data-testid="stage"][data-stage="dev"]');
      await dev.getByTestId('stage-logs-toggle').click();
      await expect(dev.getByTestId('stage-logs-empty')).toContainText('No requests yet');
    });
  });
});
