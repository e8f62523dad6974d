// The API suite: runs inside the workbench's extension host (loaded through extensionTestsPath) with
// the real `vscode` API, on a copy of examples/linux opened as the workspace. It never activates the
// extension itself, so a broken activation event or server path makes it fail.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import { runAll, test, until } from "./runner";

const EXTENSION_ID = "purgatory-lens.purgatory-lens";
const OVERFLOW_LINE = "PURGATORY_CFLAGS := -mcmodel=large";
const FIX_TITLE = "Switch PURGATORY_CFLAGS to -mcmodel=small -fpic -fvisibility=hidden";
// The section map's webview type (package.json's onWebviewPanel activation event) and its title once
// the extension has answered the webview's "ready" with the example's simulation.
const MAP_VIEW_TYPE = "purgatoryLens.sectionMap";
const MAP_TITLE = "Section map: arch/x86/purgatory/purgatory.ro";

const folder = (): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, "no workspace folder is open");
  return f.uri;
};
const file = (name: string) => vscode.Uri.joinPath(folder(), "arch/x86/purgatory", name);
const ours = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === "purgatory");
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === "object" ? String(d.code.value) : String(d.code));
const lineOf = (doc: vscode.TextDocument, needle: string): number => {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`"${needle}" is not in ${doc.uri.fsPath}`);
};

test("the extension activates by itself on the example tree", async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  // The harness says which copy must be running: the source folder or the installed .vsix.
  const expected = process.env.PURGATORY_LENS_E2E_EXPECT;
  if (expected) assert.ok(ext.extensionPath.startsWith(expected), `loaded from ${ext.extensionPath}`);
  await until(() => ext.isActive, "activation through activationEvents");
  console.log(`[pl-e2e] info extension ${ext.packageJSON.version} from ${ext.extensionPath}`);
});

test("Makefile: reloc-overflow and entry-multiple-sections on the -mcmodel=large line", async () => {
  const doc = await vscode.workspace.openTextDocument(file("Makefile"));
  const line = lineOf(doc, OVERFLOW_LINE);
  const diags = await until(() => {
    const d = ours(doc.uri);
    return d.some((x) => codeOf(x) === "reloc-overflow") && d;
  }, "Makefile diagnostics");
  const overflow = diags.find((d) => codeOf(d) === "reloc-overflow");
  const entry = diags.find((d) => codeOf(d) === "entry-multiple-sections" && d.range.start.line === line);
  assert.ok(overflow && entry, JSON.stringify(diags.map((d) => [codeOf(d), d.range.start.line])));
  assert.equal(overflow.range.start.line, line);
  assert.equal(doc.getText(overflow.range), "-mcmodel=large");
  assert.equal(overflow.severity, vscode.DiagnosticSeverity.Error);
});

test("purgatory.c: the overflow sits on purgatory_sha_regions", async () => {
  const doc = await vscode.workspace.openTextDocument(file("purgatory.c"));
  const diags = await until(() => {
    const d = ours(doc.uri);
    return d.length > 0 && d;
  }, "purgatory.c diagnostics");
  const overflow = diags.find((d) => codeOf(d) === "reloc-overflow");
  assert.ok(overflow, JSON.stringify(diags.map(codeOf)));
  assert.equal(doc.getText(overflow.range), "purgatory_sha_regions");
});

test("the Re-simulate command runs and the diagnostics stay", async () => {
  await vscode.commands.executeCommand("purgatoryLens.resimulate");
  await until(() => ours(file("Makefile")).length > 0, "Makefile diagnostics after Re-simulate");
});

test("hover on purgatory_sha_regions shows its relocation table", async () => {
  const doc = await vscode.workspace.openTextDocument(file("purgatory.c"));
  const line = lineOf(doc, "purgatory_sha_regions[");
  const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf("purgatory_sha_regions") + 3);
  // The first request may race the server's first results: retry until our hover is among them.
  const text = await until(async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      "vscode.executeHoverProvider",
      doc.uri,
      pos,
    );
    const all = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === "string" ? c : c.value))
      .join("\n");
    return all.includes("**purgatory_sha_regions**") && all;
  }, "our hover");
  assert.match(text, /GLOBAL OBJECT in `\.kexec-purgatory`, value 0x20, size 256/);
  assert.match(text, /\| R_X86_64_32 \| \.ltext\+0xd/);
});

test("purgatory.lds.S: .ltext is an orphan section, reported on SECTIONS", async () => {
  const doc = await vscode.workspace.openTextDocument(file("purgatory.lds.S"));
  assert.equal(doc.languageId, "linkerscript");
  const orphans = await until(() => {
    const d = ours(doc.uri).filter((x) => codeOf(x) === "lds-orphan-section");
    return d.length > 0 && d;
  }, "lds-orphan-section diagnostics on purgatory.lds.S");
  const ltext = orphans.find((d) => d.message.includes(".ltext"));
  assert.ok(ltext, JSON.stringify(orphans.map((d) => d.message)));
  assert.equal(doc.lineAt(ltext.range.start.line).text.trim(), "SECTIONS");
});

/** The section map's tabs, wherever their group is. */
const mapTabs = () =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(MAP_VIEW_TYPE));

test("Show Section Map opens one map panel, which gets the example's simulation", async () => {
  assert.equal(mapTabs().length, 0, "a section map is already open");
  await vscode.commands.executeCommand("purgatoryLens.showSectionMap");
  // The title changes once the webview's script has run, posted "ready" and the extension has
  // answered with the server's list of purgatories: the whole message round trip.
  const tab = await until(() => mapTabs().find((t) => t.label === MAP_TITLE), `a "${MAP_TITLE}" tab`);
  console.log(`[pl-e2e] info map tab "${tab.label}" (${(tab.input as vscode.TabInputWebview).viewType})`);
  // Running it again reveals the same panel rather than opening another one.
  await vscode.commands.executeCommand("purgatoryLens.showSectionMap");
  assert.equal(mapTabs().length, 1, JSON.stringify(mapTabs().map((t) => t.label)));
});

test("the small-PIC quick fix is offered and applying it edits the Makefile copy", async () => {
  const doc = await vscode.workspace.openTextDocument(file("Makefile"));
  const overflow = ours(doc.uri).find((d) => codeOf(d) === "reloc-overflow");
  assert.ok(overflow, "no reloc-overflow diagnostic on the Makefile");
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    "vscode.executeCodeActionProvider",
    doc.uri,
    overflow.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const fix = actions.find((a): a is vscode.CodeAction => a.title === FIX_TITLE);
  assert.ok(fix?.edit, `offered: ${JSON.stringify(actions.map((a) => a.title))}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), "applyEdit refused the fix");
  const line = doc.lineAt(lineOf(doc, "PURGATORY_CFLAGS :=")).text;
  assert.equal(line, "PURGATORY_CFLAGS := -mcmodel=small -fpic -fvisibility=hidden");
  assert.ok(await doc.save(), "saving the edited Makefile failed");
});

test("the commands the status bar item and the palette use are registered", async () => {
  const commands = await vscode.commands.getCommands(true);
  for (const c of ["purgatoryLens.resimulate", "purgatoryLens.showOutput"]) {
    assert.ok(commands.includes(c), `${c} is not registered`);
  }
  await vscode.commands.executeCommand("purgatoryLens.showOutput");
});

/** Called by the extension host with extensionTestsPath pointing at this bundle. */
export function run(): Promise<void> {
  return runAll();
}
