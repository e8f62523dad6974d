// The section map's host: a webview panel with a strict CSP (nonce scripts, styles from the
// extension only), state kept by the webview itself (getState/setState) and a serializer that
// restores the panel after a window reload -- no retainContextWhenHidden.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  ListRequest,
  LocateRequest,
  ReportRequest,
  SECTION_MAP_VIEW,
  asciiJson,
  type FromWebview,
  type LocateResult,
  type MapControls,
  type PurgatoryStatus,
  type ReportAnswer,
  type ReportParams,
  type ToWebview,
} from "../../server/src/protocol";

export class SectionMap {
  private static current: SectionMap | undefined;
  private object = "";
  private controls: MapControls = { kernel: "", load: "", ram: "" };

  static show(context: vscode.ExtensionContext, client: LanguageClient, object?: string): void {
    if (SectionMap.current) {
      SectionMap.current.panel.reveal(vscode.ViewColumn.Beside, true);
      if (object) void SectionMap.current.update(object);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      SECTION_MAP_VIEW,
      "Purgatory section map",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      options(context),
    );
    SectionMap.current = new SectionMap(panel, context, client, object);
  }

  /** Restores a panel VS Code kept across a reload; the webview asks for its data with "ready". */
  static revive(
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    client: LanguageClient,
    state: unknown,
  ): void {
    panel.webview.options = options(context);
    const s = state as { object?: string; controls?: MapControls } | undefined;
    SectionMap.current = new SectionMap(panel, context, client, s?.object, s?.controls);
  }

  /** Called after every simulation: the map follows the editor and updates in place. */
  static refresh(): void {
    if (SectionMap.current) void SectionMap.current.update();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    object: string | undefined,
    controls?: MapControls,
  ) {
    this.object = object ?? "";
    if (controls) this.controls = controls;
    panel.webview.html = html(panel.webview, context.extensionUri);
    panel.onDidDispose(() => (SectionMap.current = undefined));
    panel.webview.onDidReceiveMessage((m: FromWebview) => void this.receive(m));
  }

  private async receive(m: FromWebview): Promise<void> {
    switch (m.type) {
      case "ready":
        return this.update();
      case "simulate":
        this.controls = m.controls;
        return this.update(m.object);
      case "compare": {
        const [left, right] = await Promise.all([this.report(m.left), this.report(m.right)]);
        await this.send({ type: "compare", left, right });
        return;
      }
      case "reveal": {
        const loc = await this.client.sendRequest<LocateResult | null>(LocateRequest, {
          object: m.object,
          target: m.target,
        });
        if (!loc) return;
        const range = new vscode.Range(loc.line, loc.character, loc.endLine, loc.endCharacter);
        await vscode.window.showTextDocument(vscode.Uri.parse(loc.uri), {
          selection: range,
          viewColumn: vscode.ViewColumn.One,
          preserveFocus: false,
        });
        return;
      }
    }
  }

  /**
   * The report's text as the webview takes it, or why there is none. The text is passed on as the
   * server wrote it (ASCII already, so asciiJson only scans it): never parsed and written again here.
   */
  private async report(object: string): Promise<string | { error: string }> {
    const params: ReportParams = { object };
    if (this.controls.kernel) params.kernel = this.controls.kernel;
    if (this.controls.load) params.loads = [this.controls.load];
    if (this.controls.ram) params.ramSize = this.controls.ram;
    const r = await this.client.sendRequest<ReportAnswer>(ReportRequest, params);
    if (!r) return { error: "no purgatory object found in this workspace" };
    return "json" in r ? asciiJson(r.json) : r;
  }

  private async update(object?: string): Promise<void> {
    const list = await this.client.sendRequest<PurgatoryStatus[]>(ListRequest);
    if (object) this.object = object;
    if (!this.object || !list.some((p) => p.object === this.object)) this.object = list[0]?.object ?? "";
    const objects = list.map((p) => ({
      uri: p.object,
      label: vscode.workspace.asRelativePath(vscode.Uri.parse(p.object)),
    }));
    const report = this.object
      ? await this.report(this.object)
      : { error: "no purgatory object found in this workspace" };
    this.panel.title = `Section map: ${objects.find((o) => o.uri === this.object)?.label ?? "purgatory"}`;
    await this.send({
      type: "state",
      objects,
      object: this.object,
      controls: this.controls,
      report,
    });
  }

  private send(m: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }
}

function options(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, "dist")] };
}

function html(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = randomBytes(16).toString("base64");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, "dist", "webview.js"));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, "dist", "webview.css"));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Purgatory section map</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
