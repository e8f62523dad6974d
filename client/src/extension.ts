// The extension host side: starts the language server, and owns what only VS Code can do: the
// commands, the status bar item, the output channel, and re-simulating after a build task.
import * as vscode from "vscode";
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import {
  COMMANDS,
  ResimulateRequest,
  ResultNotification,
  SECTION_MAP_VIEW,
  type PurgatoryStatus,
  type ResimulateParams,
  type ResultParams,
} from "../../server/src/protocol";
import { SectionMap } from "./panel";
import { StatusItem } from "./status";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Purgatory Lens", { log: true });
  const serverModule = context.asAbsolutePath("dist/server.js");
  // stdio, as every other editor runs the server: its writer sends the section map's report (written
  // by the simulation worker) without serialising it again, which Node's IPC channel would do on
  // the thread that answers hovers.
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { execArgv: ["--nolazy", "--inspect=6010"] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    // The files findings attach to: Makefiles, C and assembly sources, linker scripts, kbuild .cmd files.
    documentSelector: [
      { scheme: "file", pattern: "**/Makefile" },
      { scheme: "file", pattern: "**/*.{c,h,S,s}" },
      { scheme: "file", pattern: "**/*.{lds,ld,lds.S}" },
      { scheme: "file", pattern: "**/.*.cmd" },
    ],
    synchronize: {
      configurationSection: "purgatoryLens",
      // Objects, scripts and build records change on disk during a build, not in an editor.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/purgatory.ro"),
        vscode.workspace.createFileSystemWatcher("**/*.{lds,ld,lds.S}"),
        vscode.workspace.createFileSystemWatcher("**/Makefile"),
        vscode.workspace.createFileSystemWatcher("**/.*.cmd"),
        // A build's record of the kernel release it builds (the top-level Makefile is watched above).
        vscode.workspace.createFileSystemWatcher("**/include/{config/kernel.release,generated/utsrelease.h}"),
      ],
    },
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    // Hovers carry a "Show section map" link: allow exactly our commands in server markdown.
    markdown: { isTrusted: { enabledCommands: [COMMANDS.showSectionMap, COMMANDS.resimulate] } },
    outputChannel: output,
  };
  client = new LanguageClient("purgatoryLens", "Purgatory Lens", serverOptions, clientOptions);

  const status = new StatusItem(COMMANDS.resimulate);
  context.subscriptions.push(status);
  const resimulate = async (reason: string): Promise<void> => {
    if (!client) return;
    status.busy();
    await client.sendRequest<PurgatoryStatus[]>(ResimulateRequest, { reason } satisfies ResimulateParams);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.resimulate, () => resimulate("command")),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show()),
    vscode.commands.registerCommand(
      COMMANDS.showSectionMap,
      (object?: string | vscode.Uri) =>
        client && SectionMap.show(context, client, typeof object === "string" ? object : object?.toString()),
    ),
    vscode.window.registerWebviewPanelSerializer(SECTION_MAP_VIEW, {
      deserializeWebviewPanel: async (panel, state) => {
        if (client) SectionMap.revive(panel, context, client, state);
      },
    }),
    // A finished build task is the moment a new purgatory.ro exists: simulate it at once.
    vscode.tasks.onDidEndTaskProcess((e) => {
      const t = e.execution.task;
      if (t.group === vscode.TaskGroup.Build || /\bmake\b|kbuild|purgatory/i.test(`${t.name} ${t.source}`)) {
        void resimulate(`task "${t.name}" ended`);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // Trust changes what the server may run (cpp for linker scripts): restart it with the new state.
      void client?.restart();
    }),
  );

  client.onNotification(ResultNotification, (p: ResultParams) => {
    status.show(p.purgatories);
    SectionMap.refresh();
  });
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
