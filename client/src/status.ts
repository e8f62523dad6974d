// The status bar item: the last verdict at a glance, a click re-simulates.
import * as vscode from "vscode";
import type { PurgatoryStatus } from "../../server/src/protocol";

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    "purgatoryLens.status",
    vscode.StatusBarAlignment.Left,
    10,
  );

  constructor(command: string) {
    this.item.name = "Purgatory Lens";
    this.item.command = command;
    this.item.text = "$(sync~spin) purgatory";
    this.item.tooltip = "Purgatory Lens: simulating";
    this.item.show();
  }

  busy(): void {
    this.item.text = "$(sync~spin) purgatory";
  }

  show(purgatories: PurgatoryStatus[]): void {
    const errors = purgatories.reduce((n, p) => n + p.errors, 0);
    const warnings = purgatories.reduce((n, p) => n + p.warnings, 0);
    if (purgatories.length === 0) this.item.text = "$(circle-slash) purgatory: none found";
    else if (errors > 0) this.item.text = `$(error) purgatory: ${errors} error${errors === 1 ? "" : "s"}`;
    else if (warnings > 0)
      this.item.text = `$(warning) purgatory: ${warnings} warning${warnings === 1 ? "" : "s"}`;
    else this.item.text = "$(check) purgatory";
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown("**Purgatory Lens**: click to re-simulate\n\n");
    for (const p of purgatories) {
      md.appendMarkdown(
        `- \`${vscode.workspace.asRelativePath(vscode.Uri.parse(p.object))}\`: ${p.summary} (${p.loader}, ${p.durationMs} ms)\n`,
      );
    }
    this.item.tooltip = md;
    this.item.backgroundColor =
      errors > 0 ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
