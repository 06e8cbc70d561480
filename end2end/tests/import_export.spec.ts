// Swagger/OpenAPI import and export in the console (issue 6): the seed's definition (a Cognito
// user pool authorizer MyUserPool on GET / with a MOCK integration) pasted with its stray
// trailing comma (the error names the line and column, the text stays), fixed, previewed and
// imported; the authorizer and the method on the API's page; deployed and called through the
// gateway (401 without a token, 200 with a pool user's ID token); exported as Swagger 2.0 YAML
// and downloaded (the file is the text shown); a merge and an overwrite preview from an uploaded
// YAML file; and a stage's export.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Page } from '@playwright/test';
import { expect, hydrated, signIn, test } from './server';

// A server of its own: this file counts APIs and asserts empty states.
test.use({ isolation: 'import-export' });

const API_URL = /\/apis\/[a-z0-9]{10}$/;
const POOL_URL = /\/user-pools\/[\w-]+_[0-9A-Za-z]+$/;
const DOCS = path.resolve(__dirname, '..', '..', 'docs');
const SCREENSHOTS = !!process.env.GATEHOUSE_SCREENSHOTS;

/** The seed's Swagger example, as the openapi crate's tests keep it, with this pool's ARN. */
const SEED = readFileSync(path.resolve(__dirname, '..', '..', 'openapi', 'tests', 'data', 'seed-cognito-user-pool.json'), 'utf8');
const SEED_ARN = 'arn:aws:cognito-idp:{region}:{account_id}:userpool/{user_pool_id}';
/** The line (1-based) of the seed's stray comma: the "}," that closes the last member of an object. */
const COMMA_LINE = SEED.split('\n').findIndex((l, i, all) => l.trim() === '},' && all[i + 1]?.trim() === '}') + 1;

/** The seed for `poolArn`; `trailingComma` keeps its stray comma (verbatim), otherwise it is removed. */
function seedDefinition(poolArn: string, trailingComma: boolean): string {
  const lines = SEED.replace(SEED_ARN, poolArn).split('\n');
  if (!trailingComma) lines[COMMA_LINE - 1] = lines[COMMA_LINE - 1].replace('},', '}');
  return lines.join('\n');
}

/** A YAML OpenAPI 3.0 document with POST /pets (HTTP_PROXY), GET /legacy (an AWS integration,
 * which Gatehouse stores but cannot run) and no GET /. */
const PETS_YAML = `openapi: 3.0.1
info:
  title: cognito-user-pool-auth-api
  version: "1"
paths:
  /pets:
    post:
      responses:
        "200":
          description: 200 response
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: POST
        uri: http://127.0.0.1:9/pets
        passthroughBehavior: when_no_match
  /legacy:
    get:
      responses:
        "200":
          description: 200 response
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Legacy/invocations
`;

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

/** A pool with app client "web" and the confirmed user alice; returns its id and her ID token. */
async function poolWithUser(page: Page, base: string) {
  await page.goto(`${base}/user-pools/new`);
  await hydrated(page);
  await page.getByLabel('Pool name').fill('Seed users');
  await page.getByRole('button', { name: 'Create user pool' }).click();
  await expect(page).toHaveURL(POOL_URL);
  await hydrated(page);
  const poolId = (await page.getByTestId('pool-id').textContent()) ?? '';

  await openTab(page, 'App clients');
  await page.getByLabel('App client name').fill('web');
  await page.getByRole('button', { name: 'Create app client' }).click();
  await expect(page.getByTestId('new-app-client')).toBeVisible();

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
  return { poolId, idToken };
}

test.describe('import and export', () => {
  test('journey: import the seed definition with a preview, deploy, call, export and download', async ({
    page,
    gatehouse,
  }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    const { poolId, idToken } = await poolWithUser(page, gatehouse.url);
    const poolArn = `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`;
    const editor = page.getByLabel('Swagger / OpenAPI document');
    let apiId = '';

    await test.step('the seed verbatim: its trailing comma is named by line and column, the text stays', async () => {
      await page.goto(`${gatehouse.url}/apis`);
      await hydrated(page);
      await expect(page.getByTestId('apis-empty')).toBeVisible();
      await page.getByRole('link', { name: 'Import API' }).click();
      await expect(page).toHaveURL(/\/apis\/import$/);
      await hydrated(page);
      await expect(page.getByTestId('import-preview-empty')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Import API' })).toBeDisabled();

      await page.getByRole('button', { name: 'Preview' }).click();
      await expect(page.getByTestId('error-document')).toHaveText(
        'Paste a Swagger 2.0 or OpenAPI 3.0 document, or choose a file.',
      );

      const broken = seedDefinition(poolArn, true);
      await editor.fill(broken);
      await page.getByRole('button', { name: 'Preview' }).click();
      // The message points at the comma itself.
      expect(COMMA_LINE).toBeGreaterThan(1);
      const column = broken.split('\n')[COMMA_LINE - 1].indexOf('},') + 2;
      await expect(page.getByTestId('error-document')).toHaveText(
        new RegExp(`^line ${COMMA_LINE}, column ${column}: trailing comma`),
      );
      await expect(editor).toHaveValue(broken);
      // ... and the editor selects that comma.
      const at = broken.split('\n').slice(0, COMMA_LINE - 1).join('\n').length + 1 + column - 1;
      expect(broken[at]).toBe(',');
      await expect
        .poll(() => editor.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]))
        .toEqual([at, at + 1]);
      await expect(page.getByRole('button', { name: 'Import API' })).toBeDisabled();
    });

    await test.step('fixed: the preview lists the API, the authorizer, the resource and the method', async () => {
      await editor.fill(seedDefinition(poolArn, false));
      await page.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('import-preview');
      await expect(preview.getByTestId('import-api-name')).toHaveText('cognito-user-pool-auth-api');
      await expect(preview.getByTestId('import-summary')).toContainText('Swagger 2.0');
      await expect(preview.getByTestId('import-summary')).toContainText('0 to delete');
      const creates = preview.locator('[data-testid="import-change"][data-kind="create"]');
      await expect(creates.filter({ hasText: 'authorizer' })).toContainText('MyUserPool');
      await expect(creates.filter({ hasText: 'method' })).toContainText('GET /');
      await expect(preview.locator('[data-testid="import-change"][data-kind="delete"]')).toHaveCount(0);
      await expect(page.getByTestId('error-document')).toBeEmpty();

      // An edit after the preview asks for a new one before importing.
      await editor.press('End');
      await editor.pressSequentially(' ');
      await expect(page.getByTestId('import-preview-stale')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Import API' })).toBeDisabled();
      await page.getByRole('button', { name: 'Preview' }).click();
      await expect(page.getByTestId('import-preview-stale')).toHaveCount(0);
    });

    await test.step('import: the API page shows GET / and the MyUserPool authorizer', async () => {
      await page.getByRole('button', { name: 'Import API' }).click();
      await expect(page).toHaveURL(API_URL);
      await expect(page.getByRole('heading', { level: 1, name: 'cognito-user-pool-auth-api' })).toBeVisible();
      await hydrated(page);
      apiId = (await page.getByTestId('api-id').textContent()) ?? '';
      await expect(page.getByTestId('methods-list')).toContainText('GET');
      await openTab(page, 'Authorizers');
      const authorizer = page.getByTestId('authorizer').filter({ hasText: 'MyUserPool' });
      await expect(authorizer.getByTestId('authorizer-pools')).toContainText(poolId);
      await expect(authorizer.getByTestId('authorizer-used-by')).toContainText('GET /');
    });

    await test.step('deploy to prod: 401 without a token, 200 with alice\'s ID token', async () => {
      await openTab(page, 'Stages');
      const card = page.getByTestId('deploy-card');
      await card.getByLabel('Stage name').fill('prod');
      await card.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('stages-notice')).toContainText('to stage prod.');
      const invokeUrl = `${gatehouse.gatewayUrl}/${apiId}/prod/`;
      await expect.poll(async () => (await fetch(invokeUrl)).status, { timeout: 10_000 }).toBe(401);
      const allowed = await fetch(invokeUrl, { headers: { Authorization: `Bearer ${idToken}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toBe('<html><body><h1>Hello, alice@example.com</h1></body></html>');
    });

    await test.step('export the working copy as Swagger 2.0 YAML, copy view and download agree', async () => {
      await page.goto(`${gatehouse.url}/apis/${apiId}`);
      await hydrated(page);
      await page.getByRole('link', { name: 'Export' }).click();
      await expect(page).toHaveURL(new RegExp(`/apis/${apiId}/export$`));
      await hydrated(page);
      await expect(page.getByLabel('Source')).toHaveValue('');
      await page.getByLabel('Swagger 2.0').check();
      await page.getByLabel('YAML').check();
      await expect(page.getByTestId('export-file-name')).toHaveText('cognito-user-pool-auth-api-swagger.yaml');
      const text = page.getByTestId('export-text');
      await expect(text).toContainText('swagger: ');
      await expect(text).toContainText('x-amazon-apigateway-authorizer');
      await expect(text).toContainText('MyUserPool');
      await expect(text).toContainText(poolArn);
      await expect(page.getByRole('button', { name: 'Copy document' })).toBeVisible();
      if (SCREENSHOTS) {
        await page.screenshot({ path: path.join(DOCS, 'apis-export.png') });
      }
      const shown = (await text.textContent()) ?? '';

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-download').click(),
      ]);
      expect(download.suggestedFilename()).toBe('cognito-user-pool-auth-api-swagger.yaml');
      const file = readFileSync((await download.path()) ?? '', 'utf8');
      // The same document; only info.version differs, which is the export's time (as in AWS).
      const stamp = /^ {2}version: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/m;
      expect(file).toMatch(stamp);
      expect(file.replace(stamp, '  version: T')).toBe(shown.replace(stamp, '  version: T'));

      // Without extensions nothing x-amazon-* remains.
      await page.getByLabel('Extensions').selectOption('none');
      await expect(text).not.toContainText('x-amazon-apigateway');
      await expect(text).toContainText('/:');
    });

    await test.step('a stage exports its deployed snapshot', async () => {
      await page.goto(`${gatehouse.url}/apis/${apiId}?tab=stages`);
      await hydrated(page);
      const stage = page.getByTestId('stage').filter({ hasText: 'prod' });
      await stage.getByRole('link', { name: 'Export' }).click();
      await expect(page).toHaveURL(new RegExp(`/apis/${apiId}/export\\?stage=prod$`));
      await hydrated(page);
      await expect(page.getByLabel('Source')).toHaveValue('prod');
      await expect(page.getByTestId('export-file-name')).toHaveText('cognito-user-pool-auth-api-prod-oas30.json');
      const doc = JSON.parse((await page.getByTestId('export-text').textContent()) ?? '{}');
      expect(doc.openapi).toMatch(/^3\.0/);
      expect(Object.keys(doc.paths)).toEqual(['/']);
    });

    await test.step('merge and overwrite previews from an uploaded YAML file', async () => {
      await page.goto(`${gatehouse.url}/apis/${apiId}`);
      await hydrated(page);
      await page.getByRole('link', { name: 'Import (overwrite / merge)' }).click();
      await expect(page).toHaveURL(new RegExp(`/apis/${apiId}/import$`));
      await hydrated(page);
      await expect(page.getByLabel('Merge')).toBeChecked();
      await page.getByLabel('Upload a file').setInputFiles({
        name: 'pets.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from(PETS_YAML),
      });
      await expect(editor).toHaveValue(PETS_YAML);
      await expect(page.getByText(/Loaded pets\.yaml/)).toBeVisible();

      await page.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('import-preview');
      await expect(preview.getByTestId('import-summary')).toContainText('OpenAPI 3.0');
      const creates = preview.locator('[data-testid="import-change"][data-kind="create"]');
      await expect(creates.filter({ hasText: 'POST /pets' })).toContainText('method');
      await expect(creates.filter({ hasText: 'GET /legacy' })).toContainText('method');
      await expect(preview.locator('[data-testid="import-change"][data-kind="delete"]')).toHaveCount(0);
      await expect(preview.getByTestId('import-warning')).toContainText(
        'Integrations of type AWS / AWS_PROXY need AWS services',
      );
      await expect(preview.getByTestId('import-summary')).toContainText('1 warning');

      // Overwrite: what the file lacks goes (GET / and MyUserPool).
      await page.getByLabel('Overwrite').check();
      await expect(page.getByTestId('import-preview-stale')).toBeVisible();
      await page.getByRole('button', { name: 'Preview' }).click();
      const deletes = preview.locator('[data-testid="import-change"][data-kind="delete"]');
      await expect(deletes.filter({ hasText: 'method' })).toContainText('GET /');
      await expect(deletes.filter({ hasText: 'authorizer' })).toContainText('MyUserPool');
      await expect(page.getByRole('button', { name: 'Overwrite API' })).toBeEnabled();
      if (SCREENSHOTS) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(DOCS, 'apis-import-preview.png') });
      }

      // Merge it for real: both methods are there afterwards.
      await page.getByLabel('Merge').check();
      await page.getByRole('button', { name: 'Preview' }).click();
      await expect(deletes).toHaveCount(0);
      await page.getByRole('button', { name: 'Merge into API' }).click();
      await expect(page).toHaveURL(API_URL);
      await hydrated(page);
      const tree = page.getByTestId('resource-tree');
      await expect(tree.getByTestId('resource-node').filter({ hasText: 'pets' })).toContainText('POST');
      await expect(tree.getByTestId('resource-node').filter({ hasText: 'legacy' })).toContainText('GET');
      await expect(tree.getByTestId('resource-node').first()).toContainText('GET');
    });
  });
});
