// REST APIs in the console: the list (create with inline errors, delete with what goes with
// it), the resource tree with API Gateway's rules shown inline, new methods with the AWS
// console's MOCK defaults, and the method execution view: mapping templates typed exactly,
// an invalid endpoint refused without saving, the stale-form refusal, and persistence across
// a server restart. With GATEHOUSE_SCREENSHOTS=1 it also refreshes docs/apis-*.png.
import path from 'node:path';
import { Page } from '@playwright/test';
import { expect, hydrated, signIn, test } from './server';

// A server of its own: this file asserts empty states.
test.use({ isolation: 'apis' });

const DOCS = path.resolve(__dirname, '..', '..', 'docs');

// The mapping templates from the seed, to be stored and shown back byte for byte.
const SUB_EMAIL_TEMPLATE =
  '{ "context" : { "sub" : "$context.authorizer.claims.sub", "email" : "$context.authorizer.claims.email" } }';
const ROLE_TEMPLATE = `{ "context" : { "role" : "$context.authorizer.claims['custom:role']" } }`;

// A longer template for the screenshot (line numbers in the editor's gutter).
const PROFILE_TEMPLATE = `#set($claims = $context.authorizer.claims)
{
  "context" : {
    "sub" : "$claims.sub",
    "email" : "$claims.email",
    "role" : "$claims['custom:role']"
  },
  "body" : $input.json('$')
}`;

const API_URL = /\/apis\/[a-z0-9]{10}(\?.*)?$/;
const METHOD_URL = /\/apis\/[a-z0-9]{10}\/resources\/[a-z0-9]{10}\/methods\/[A-Z]+(\?.*)?$/;

/** Creates an API through the list's form; returns its id once its page is open. */
async function createApi(page: Page, base: string, name: string, description = ''): Promise<string> {
  await page.goto(`${base}/apis`);
  await hydrated(page);
  await page.getByLabel('API name').fill(name);
  await page.getByLabel('Description').fill(description);
  await page.getByRole('button', { name: 'Create API' }).click();
  await expect(page).toHaveURL(API_URL);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await hydrated(page);
  return (await page.getByTestId('api-id').textContent()) ?? '';
}

function treeNode(page: Page, resourcePath: string) {
  return page.locator(`[data-testid="resource-node"][data-path="${resourcePath}"]`);
}

async function selectResource(page: Page, resourcePath: string): Promise<void> {
  await treeNode(page, resourcePath).click();
  await expect(page.getByTestId('resource-path')).toHaveText(resourcePath);
}

/** Adds a child to the selected resource and waits for it to be selected. */
async function createResource(page: Page, pathPart: string, expectedPath: string): Promise<void> {
  await page.getByLabel('Path part').fill(pathPart);
  await page.getByRole('button', { name: 'Create resource' }).click();
  await expect(page.getByTestId('resource-path')).toHaveText(expectedPath);
  await expect(treeNode(page, expectedPath)).toBeVisible();
}

/** Adds a method to the selected resource; the method execution view opens. */
async function createMethod(page: Page, verb: string, resourcePath: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Create method' }).selectOption(verb);
  await page.getByRole('button', { name: 'Create method' }).click();
  await expect(page).toHaveURL(METHOD_URL);
  await expect(page.getByTestId('method-verb')).toHaveText(verb);
  await expect(page.getByTestId('method-path')).toHaveText(resourcePath);
  await hydrated(page);
}

async function openEdit(page: Page, box: string): Promise<void> {
  await page.getByRole('link', { name: `Edit ${box}` }).click();
  await expect(page.getByRole('heading', { name: `Edit ${box}` })).toBeVisible();
}

test.describe('apis', () => {
  test('journey: API, resource tree rules, MOCK defaults, templates, invalid endpoint, stale form, restart, delete', async ({
    page,
    context,
    gatehouse,
  }) => {
    test.setTimeout(240_000);
    // A panic in the wasm (e.g. a failed hydration) shows up as a page error.
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');

    await test.step('empty list; create refuses a blank name inline', async () => {
      await page.goto(`${gatehouse.url}/apis`);
      await hydrated(page);
      await expect(page.getByTestId('apis-empty')).toBeVisible();
      await page.getByRole('button', { name: 'Create API' }).click();
      await expect(page.getByTestId('error-name')).toHaveText('Enter a name for the API.');
      await expect(page.getByLabel('API name')).toHaveAttribute('aria-invalid', 'true');
    });

    const apiId = await createApi(page, gatehouse.url, 'Pets', 'The pet store');
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    const apiUrl = `${gatehouse.url}/apis/${apiId}`;

    await test.step('tabs and breadcrumbs', async () => {
      await expect(page.getByRole('tab', { name: 'Resources' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('Console/APIs/Pets/Resources');
      await page.getByRole('tab', { name: 'Authorizers' }).click();
      await expect(page.getByRole('tab', { name: 'Authorizers' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('Pets/Authorizers');
      await page.getByRole('tab', { name: 'Resources' }).click();
      await expect(page.getByTestId('resource-path')).toHaveText('/');
    });

    await test.step('resources: /pets and /pets/{petId}; AWS rules come back inline', async () => {
      await createResource(page, 'pets', '/pets');
      await createResource(page, '{petId}', '/pets/{petId}');

      await selectResource(page, '/pets');
      await page.getByLabel('Path part').fill('{other}');
      await page.getByRole('button', { name: 'Create resource' }).click();
      await expect(page.getByTestId('error-path_part')).toHaveText(
        'A sibling ({petId}) of this resource already has a variable path part -- only one is allowed',
      );
      await expect(page.getByLabel('Path part')).toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByLabel('Path part')).toHaveValue('{other}');

      await selectResource(page, '/');
      await page.getByLabel('Path part').fill('pets');
      await page.getByRole('button', { name: 'Create resource' }).click();
      await expect(page.getByTestId('error-path_part')).toHaveText(
        'Another resource with the same parent already has this name: pets',
      );
      await page.getByLabel('Path part').fill('bad part');
      await page.getByRole('button', { name: 'Create resource' }).click();
      await expect(page.getByTestId('error-path_part')).toContainText("Resource's path part only allow a-zA-Z0-9._-");

      await expect(page.getByTestId('resource-node')).toHaveCount(3);
      await page.reload();
      await hydrated(page);
      await expect(page.getByTestId('resource-node')).toHaveCount(3);
    });

    let getPetsUrl = '';
    await test.step('GET on /pets starts with the AWS console defaults (MOCK, 200)', async () => {
      await selectResource(page, '/pets');
      await createMethod(page, 'GET', '/pets');
      getPetsUrl = page.url();
      await expect(page.getByTestId('method-execution')).toBeVisible();
      await expect(page.getByTestId('box-method-request')).toContainText('NONE');
      await expect(page.getByTestId('integration-type')).toHaveText('MOCK');
      await expect(page.getByTestId('request-template-types')).toHaveText('application/json');
      await expect(page.getByTestId('box-integration-response')).toContainText('200 · default');
      await expect(page.getByTestId('box-method-response')).toContainText('200');
      await expect(page.getByTestId('box-backend')).toContainText('Mock endpoint');
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('Pets/Resources/GET /pets');

      await openEdit(page, 'method request');
      await expect(page.getByLabel('Authorization')).toHaveValue('NONE');
      await expect(page.getByTestId('no-authorizers')).toContainText('Create an authorizer on the Authorizers tab');

      await openEdit(page, 'integration request');
      await expect(page.getByLabel('Content type')).toHaveValue('application/json');
      await expect(page.getByLabel('Request template')).toHaveValue('{"statusCode": 200}');
    });

    await test.step('the seed template on GET /pets is stored exactly', async () => {
      await page.getByLabel('Request template').fill(SUB_EMAIL_TEMPLATE);
      await expect(page.getByTestId('line-numbers')).toHaveText('1');
      await page.getByRole('button', { name: 'Save integration request' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Integration request saved.');
      await page.reload();
      await hydrated(page);
      await expect(page.getByLabel('Content type')).toHaveValue('application/json');
      await expect(page.getByLabel('Request template')).toHaveValue(SUB_EMAIL_TEMPLATE);
    });

    await test.step('a bad endpoint URL on HTTP is refused beside the field, and nothing is saved', async () => {
      await page.getByLabel('Integration type').selectOption('HTTP');
      await page.getByLabel('Endpoint URL').fill('backend.example.com/pets');
      await page.getByRole('button', { name: 'Save integration request' }).click();
      await expect(page.getByTestId('error-uri')).toHaveText('Invalid HTTP endpoint specified for URI');
      await expect(page.getByLabel('Endpoint URL')).toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByTestId('form-success')).toHaveCount(0);
      await page.reload();
      await hydrated(page);
      await expect(page.getByTestId('integration-type')).toHaveText('MOCK');
      await expect(page.getByLabel('Integration type')).toHaveValue('MOCK');
      await expect(page.getByLabel('Request template')).toHaveValue(SUB_EMAIL_TEMPLATE);
    });

    await test.step('the second seed template on GET /pets/{petId}', async () => {
      await page.goto(apiUrl);
      await hydrated(page);
      await selectResource(page, '/pets/{petId}');
      await createMethod(page, 'GET', '/pets/{petId}');
      await openEdit(page, 'integration request');
      await page.getByRole('button', { name: 'Delete template' }).click();
      await expect(page.getByTestId('request_templates-empty')).toBeVisible();
      await page.getByRole('button', { name: '+ Add mapping template' }).click();
      await page.getByLabel('Content type').fill('application/json');
      await page.getByLabel('Request template').fill(ROLE_TEMPLATE);
      await page.getByRole('button', { name: 'Save integration request' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Integration request saved.');
      await page.reload();
      await hydrated(page);
      await expect(page.getByLabel('Content type')).toHaveValue('application/json');
      await expect(page.getByLabel('Request template')).toHaveValue(ROLE_TEMPLATE);
    });

    await test.step('a form saved elsewhere since it was opened is refused, with Reload', async () => {
      const editUrl = `${getPetsUrl}?edit=integration-request`;
      await page.goto(editUrl);
      await hydrated(page);
      const other = await context.newPage();
      await other.goto(editUrl);
      await hydrated(other);

      await page.getByLabel('Timeout (ms)').fill('5000');
      await page.getByRole('button', { name: 'Save integration request' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Integration request saved.');

      await other.getByLabel('Timeout (ms)').fill('6000');
      await other.getByRole('button', { name: 'Save integration request' }).click();
      await expect(other.getByTestId('stale-error')).toContainText(
        'This integration was changed by someone else since you opened it. Reload to see their changes.',
      );
      await expect(other.getByTestId('form-success')).toHaveCount(0);
      await other.getByTestId('stale-error').getByRole('link', { name: 'Reload' }).click();
      await hydrated(other);
      await expect(other.getByLabel('Timeout (ms)')).toHaveValue('5000');
      await expect(other.getByTestId('stale-error')).toHaveCount(0);

      // The same for the method request (its own version).
      const methodEdit = `${getPetsUrl}?edit=method-request`;
      await page.goto(methodEdit);
      await hydrated(page);
      await other.goto(methodEdit);
      await hydrated(other);
      await page.getByLabel('API key required').check();
      await page.getByRole('button', { name: 'Save method request' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Method request saved.');
      await other.getByRole('button', { name: '+ Add request parameter' }).click();
      await other.getByLabel('Parameter name').fill('limit');
      await other.getByRole('button', { name: 'Save method request' }).click();
      await expect(other.getByTestId('stale-error')).toContainText('This method was changed by someone else');
      await other.close();
      await page.reload();
      await hydrated(page);
      await expect(page.getByLabel('API key required')).toBeChecked();
      await expect(page.getByTestId('request_parameters-empty')).toBeVisible();
    });

    await test.step('everything is still there after a server restart', async () => {
      await gatehouse.stop();
      await gatehouse.start();
      await page.goto(`${getPetsUrl}?edit=integration-request`);
      if (page.url().includes('/login')) await signIn(page, gatehouse.url);
      await page.goto(`${getPetsUrl}?edit=integration-request`);
      await hydrated(page);
      await expect(page.getByLabel('Request template')).toHaveValue(SUB_EMAIL_TEMPLATE);
      await expect(page.getByLabel('Timeout (ms)')).toHaveValue('5000');
      await page.goto(apiUrl);
      await hydrated(page);
      await expect(page.getByTestId('resource-node')).toHaveCount(3);
      await expect(treeNode(page, '/pets')).toContainText('GET');
      await expect(treeNode(page, '/pets/{petId}')).toContainText('GET');
    });

    await test.step('deleting the API lists what goes with it', async () => {
      await page.goto(`${gatehouse.url}/apis`);
      await hydrated(page);
      const row = page.getByTestId('api-row').filter({ hasText: 'Pets' });
      await expect(row.getByTestId('api-id')).toHaveText(apiId);
      await row.getByRole('button', { name: 'Delete Pets' }).click();
      const confirm = page.getByTestId('delete-api-confirm');
      await expect(confirm).toContainText('Delete “Pets”?');
      const items = confirm.getByTestId('delete-api-items');
      await expect(items).toContainText('3 resources (including the root /)');
      await expect(items).toContainText('2 methods');
      await expect(items).toContainText('0 authorizers');
      await expect(items).toContainText('0 stages');
      await expect(items).toContainText('0 deployments');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expect(confirm).toHaveCount(0);
      await row.getByRole('button', { name: 'Delete Pets' }).click();
      await page.getByTestId('delete-api-confirm').getByRole('button', { name: 'Delete API' }).click();
      await expect(page.getByTestId('apis-empty')).toBeVisible();
      await page.goto(apiUrl);
      await expect(page.getByRole('alert')).toContainText(`Invalid API identifier specified ${apiId}`);
    });
    expect(pageErrors).toEqual([]);
  });

  test('resource deletion takes its subtree; method response and integration response forms validate inline', async ({
    page,
    gatehouse,
  }) => {
    test.setTimeout(120_000);
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await createApi(page, gatehouse.url, 'Shop');
    await createResource(page, 'orders', '/orders');
    await createResource(page, '{orderId}', '/orders/{orderId}');
    await createMethod(page, 'POST', '/orders/{orderId}');

    await test.step('method response: a status code out of range is refused beside it', async () => {
      await openEdit(page, 'method response');
      const add = page.getByTestId('add-method-response');
      await add.getByLabel('HTTP status code').fill('700');
      await add.getByRole('button', { name: 'Add method response' }).click();
      await expect(add.getByTestId('error-status_code')).toContainText("Invalid status code '700'");
      await add.getByLabel('HTTP status code').fill('404');
      await add.getByRole('button', { name: '+ Add header' }).click();
      await add.getByLabel('Header name').fill('X-Reason');
      await add.getByRole('button', { name: 'Add method response' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Method response 404 saved.');
      await expect(page.getByTestId('method-response-404')).toBeVisible();
      await expect(page.getByTestId('box-method-response')).toContainText('404 · headers: X-Reason');
    });

    await test.step('integration response: an invalid regex is refused beside it', async () => {
      await openEdit(page, 'integration response');
      const add = page.getByTestId('add-integration-response');
      await expect(add.getByLabel('Method response status code')).toHaveValue('404');
      await add.getByLabel('Selection regex').fill('4\\d{2');
      await add.getByRole('button', { name: 'Add integration response' }).click();
      await expect(add.getByTestId('error-selection_pattern')).toContainText("Invalid regular expression '4\\d{2'");
      await add.getByLabel('Selection regex').fill('4\\d{2}');
      await add.getByRole('button', { name: '+ Add header mapping' }).click();
      await add.getByLabel('Method response header').fill('method.response.header.X-Reason');
      await add.getByLabel('Mapped from').fill("'not found'");
      await add.getByRole('button', { name: 'Add integration response' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Integration response 404 saved.');
      await expect(page.getByTestId('box-integration-response')).toContainText('404 · selection 4\\d{2}');
    });

    await test.step('a template over 300 KB is refused and nothing is saved', async () => {
      await openEdit(page, 'integration request');
      await page.getByLabel('Request template').fill('x'.repeat(301 * 1024));
      await page.getByRole('button', { name: 'Save integration request' }).click();
      await expect(page.getByTestId('error-row')).toContainText('mapping templates are limited to 300 KB');
      await page.reload();
      await hydrated(page);
      await expect(page.getByLabel('Request template')).toHaveValue('{"statusCode": 200}');
    });

    await test.step('a multi-line template keeps its lines; the gutter numbers them', async () => {
      await page.getByLabel('Request template').fill(PROFILE_TEMPLATE);
      await expect(page.getByTestId('line-numbers')).toHaveText(/^1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9$/);
      await page.getByRole('button', { name: 'Save integration request' }).click();
      await expect(page.getByTestId('form-success')).toHaveText('Integration request saved.');
      await page.reload();
      await hydrated(page);
      await expect(page.getByLabel('Request template')).toHaveValue(PROFILE_TEMPLATE);
      await expect(page.getByTestId('line-numbers')).toHaveText(/^1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9$/);
    });

    await test.step('deleting /orders takes /orders/{orderId} and its method', async () => {
      await page.goto(page.url().replace(/\/resources\/.*$/, ''));
      await hydrated(page);
      await selectResource(page, '/orders');
      await page.getByRole('button', { name: 'Delete resource' }).click();
      await expect(page.getByTestId('delete-resource-confirm')).toContainText(
        'Delete /orders with 1 child resource and 1 method?',
      );
      await page.getByTestId('delete-resource-confirm').getByRole('button', { name: 'Delete resource' }).click();
      await expect(page.getByTestId('resource-path')).toHaveText('/');
      await expect(page.getByTestId('resource-node')).toHaveCount(1);
    });
  });

  test('screenshots: resource tree and method execution view', async ({ page, gatehouse }) => {
    test.skip(!process.env.GATEHOUSE_SCREENSHOTS, 'set GATEHOUSE_SCREENSHOTS=1 to refresh docs/ screenshots');
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await signIn(page, gatehouse.url);
    await expect(page.getByTestId('signed-in-admin')).toHaveText('admin');
    await createApi(page, gatehouse.url, 'Pet store', 'Pets, orders and the signed-in user');
    await createResource(page, 'pets', '/pets');
    await createMethod(page, 'GET', '/pets');
    const getPets = page.url();
    await page.goBack();
    await hydrated(page);
    await selectResource(page, '/pets');
    await createMethod(page, 'POST', '/pets');
    await page.goto(getPets.replace(/\/resources\/.*$/, ''));
    await hydrated(page);
    await selectResource(page, '/pets');
    await createResource(page, '{petId}', '/pets/{petId}');
    await createMethod(page, 'GET', '/pets/{petId}');
    await page.goto(getPets.replace(/\/resources\/.*$/, ''));
    await hydrated(page);
    await createResource(page, 'me', '/me');
    await createMethod(page, 'GET', '/me');
    await openEdit(page, 'integration request');
    await page.getByLabel('Integration type').selectOption('HTTP');
    await page.getByLabel('Endpoint URL').fill('https://backend.example.com/users/me');
    await page.getByRole('button', { name: '+ Add parameter mapping' }).click();
    await page.getByLabel('Integration request parameter').fill('integration.request.header.x-user');
    await page.getByLabel('Mapped from').fill('context.authorizer.claims.sub');
    await page.getByLabel('Request template').fill(PROFILE_TEMPLATE);
    await expect(page.getByTestId('line-numbers')).toHaveText(/^1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9$/);
    await page.getByRole('button', { name: 'Save integration request' }).click();
    await expect(page.getByTestId('form-success')).toBeVisible();
    const me = page.url().replace(/\?.*$/, '');

    await page.goto(getPets.replace(/\/resources\/.*$/, '') + '?tab=resources');
    await hydrated(page);
    await selectResource(page, '/pets');
    await page.screenshot({ path: path.join(DOCS, 'apis-resources.png') });

    await page.goto(`${me}?edit=integration-request`);
    await hydrated(page);
    await expect(page.getByTestId('backend-uri')).toHaveText('https://backend.example.com/users/me');
    await page.screenshot({ path: path.join(DOCS, 'apis-method-execution.png'), fullPage: true });
  });
});
