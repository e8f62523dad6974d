// Loads the built webview bundle (dist/webview.js + .css) in Debian's headless Chromium, driven by
// playwright-core, behind the same Content-Security-Policy as the real panel, with a stub
// acquireVsCodeApi that records what the webview posts.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { repoRoot } from "../helpers";
import { THEMES } from "./themes";

/** Launch settings shared with the workbench tier (scripts/e2e/workbench.mjs). */
const LAUNCH = JSON.parse(readFileSync(join(repoRoot, "test", "chromium.json"), "utf8")) as {
  executablePath: string;
  args: string[];
};

export const CHROMIUM = process.env.CHROMIUM_PATH ?? LAUNCH.executablePath;

export class WebviewPage {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private readonly server: Server,
    readonly errors: string[],
  ) {}

  /**
   * `scripts` are served and loaded (with the page's nonce) before the webview's bundle: the
   * benchmark hands its 16 MB report to the page this way, which a reload keeps.
   */
  static async open(theme = "dark", scripts: Record<string, string> = {}): Promise<WebviewPage> {
    const nonce = randomBytes(16).toString("base64");
    const t = THEMES[theme]!;
    const vars = Object.entries(t.vars)
      .map(([k, v]) => `--vscode-${k}: ${v};`)
      .join(" ");
    const stub = `
      window.__posted = []; window.__state = undefined;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => window.__state,
        setState: (s) => { window.__state = s; },
      });`;
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src http://127.0.0.1:*; img-src http://127.0.0.1:*">
<link rel="stylesheet" href="/theme.css"><link rel="stylesheet" href="/webview.css"></head>
<body class="${t.bodyClass}"><main id="app"></main>
<script nonce="${nonce}" src="/stub.js"></script>${Object.keys(scripts)
      .map((src) => `<script nonce="${nonce}" src="${src}"></script>`)
      .join("")}<script nonce="${nonce}" src="/webview.js"></script></body></html>`;
    const files: Record<string, [string, string | Buffer]> = {
      "/": ["text/html", page],
      "/stub.js": ["text/javascript", stub],
      "/theme.css": ["text/css", `:root { ${vars} }`],
      "/webview.js": ["text/javascript", readFileSync(join(repoRoot, "dist", "webview.js"))],
      "/webview.css": ["text/css", readFileSync(join(repoRoot, "dist", "webview.css"))],
    };
    for (const [src, text] of Object.entries(scripts)) files[src] = ["text/javascript", text];
    const server = createServer((req, res) => {
      const f = files[req.url ?? "/"];
      if (req.url === "/favicon.ico") return void res.writeHead(204).end();
      if (!f) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": f[0] }).end(f[1]);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const profile = mkdtempSync(join(tmpdir(), "pl-chromium-"));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH.args,
      // Chromium writes crash reports and caches under XDG folders: keep them out of $HOME.
      env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    });
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    p.on("pageerror", (e) => errors.push(String(e)));
    p.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    p.on("dialog", (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await p.goto(`http://127.0.0.1:${port}/`);
    await p.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    return new WebviewPage(browser, p, server, errors);
  }

  /** Loads the page afresh (a new document, as when VS Code recreates the webview). */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  }

  async send(message: unknown): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, "*"), message);
  }

  async posted(): Promise<{ type: string; [k: string]: unknown }[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise((r) => this.server.close(r));
  }
}
