// Starts the real `gatehouse serve` binary for the browser tests: its own embedded PostgreSQL
// in a fresh data directory, on a free port. It can be stopped and started again on the same
// data directory (the session-survives-restart journey).
import { test as base, expect, Page } from '@playwright/test';
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'e2e-correct-horse-battery';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.GATEHOUSE_BIN ?? path.join(ROOT, 'target', 'debug', 'gatehouse');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export class GatehouseServer {
  private proc?: ChildProcess;
  constructor(readonly port: number, readonly dataDir: string, readonly gatewayPort: number) {}

  /** Base of invoke URLs: `${gatewayUrl}/{restApiId}/{stage}/…`. */
  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = openSync(path.join(this.dataDir, 'gatehouse-e2e.log'), 'a');
    const env = { ...process.env };
    delete env.DATABASE_URL; // the browser tests exercise the embedded default
    delete env.GATEHOUSE_ACCESS_KEY_ID;
    delete env.GATEHOUSE_SECRET_ACCESS_KEY;
    this.proc = spawn(BIN, ['serve'], {
      env: {
        ...env,
        GATEHOUSE_LISTEN: `127.0.0.1:${this.port}`,
        GATEHOUSE_GATEWAY_LISTEN: `127.0.0.1:${this.gatewayPort}`,
        GATEHOUSE_DATA_DIR: this.dataDir,
        GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        GATEHOUSE_SITE_ROOT: path.join(ROOT, 'target', 'site'),
        RUST_LOG: 'info',
      },
      stdio: ['ignore', log, log],
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) {
        throw new Error(`gatehouse exited with ${this.proc.exitCode}; see ${this.dataDir}/gatehouse-e2e.log`);
      }
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('gatehouse did not become healthy within 60 s');
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
}

type Fixtures = { gatehouse: GatehouseServer; isolation: string };

export const test = base.extend<{}, Fixtures>({
  // The console sends a Content-Security-Policy (issue 12): a script or style it blocks is a
  // bug (hydration or a streamed chunk silently lost), so any violation fails the journey.
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await use(page);
    expect(violations, 'Content-Security-Policy violations').toEqual([]);
  },
  // Spec files that assert empty states set their own value (`test.use({ isolation: 'x' })`):
  // Playwright then runs them in a worker of their own, with a fresh server and database.
  isolation: ['shared', { scope: 'worker', option: true }],
  gatehouse: [
    async ({ isolation: _isolation }, use) => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-'));
      chmodSync(dataDir, 0o711); // as root, PostgreSQL runs as an unprivileged user that must enter it
      const server = new GatehouseServer(await freePort(), dataDir, await freePort());
      await server.start();
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
});

export { expect };

/** Waits until the wasm bundle has hydrated the page (the app sets data-hydrated on <body>). */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
}

export async function signIn(page: Page, base: string, password = ADMIN_PASSWORD, user = ADMIN_USER): Promise<void> {
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
