// Drives the bundled language server (dist/server.js) over stdio with a real JSON-RPC client, the way
// an editor would. Waits on notifications instead of sleeping.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  DidChangeConfigurationNotification,
  ConfigurationRequest,
  FileChangeType,
  ShowMessageNotification,
  ShowMessageRequest,
  type MessageType,
  type PublishDiagnosticsParams,
  type ClientCapabilities,
  type InitializeResult,
  type Diagnostic,
  type MessageReaderOptions,
} from "vscode-languageserver-protocol/node";
import { ResultNotification, type ResultParams } from "../../server/src/protocol";
import type { ServerSettings } from "../../server/src/lsp/settings";
import { repoRoot } from "../helpers";

export const uri = (path: string) => pathToFileURL(path).href;

export class ServerUnderTest {
  readonly connection: ProtocolConnection;
  readonly child: ChildProcess;
  /** The latest diagnostics per URI. */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** How many publishDiagnostics each URI has received. */
  readonly publishCount = new Map<string, number>();
  readonly results: ResultParams[] = [];
  /** What the server showed the user (window/showMessage and window/showMessageRequest), in order. */
  readonly messages: { type: MessageType; message: string }[] = [];
  private waiters: (() => void)[] = [];
  stderr = "";
  settings: Partial<ServerSettings> = {};
  /** window/logMessage lines (the output channel), in order. */
  readonly logs: { type: MessageType; message: string }[] = [];

  /**
   * `command`: how to start the server (default: the bundled dist/server.js over stdio); `env`: extra
   * environment for it (the fault-injection hook PURGATORY_LENS_FAULT); `reader`: how the client
   * decodes the server's messages (the benchmark's decoder leaves large answers unparsed).
   */
  constructor(
    command: readonly string[] = [process.execPath, join(repoRoot, "dist", "server.js"), "--stdio"],
    env: Record<string, string> = {},
    reader?: MessageReaderOptions,
  ) {
    this.child = spawn(command[0]!, command.slice(1), {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    this.child.stderr!.on("data", (d) => (this.stderr += String(d)));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout!, reader),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.publishCount.set(p.uri, (this.publishCount.get(p.uri) ?? 0) + 1);
      this.wake();
    });
    this.connection.onNotification(ResultNotification, (p: ResultParams) => {
      this.results.push(p);
      this.wake();
    });
    this.connection.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => this.settings));
    this.connection.onNotification(ShowMessageNotification.type, ({ type, message }) => {
      this.messages.push({ type, message });
      this.wake();
    });
    this.connection.onRequest(ShowMessageRequest.type, ({ type, message }) => {
      this.messages.push({ type, message });
      this.wake();
      return null; // dismissed
    });
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("window/workDoneProgress/create", () => null);
    this.connection.onNotification("window/logMessage", (p: { type: number; message: string }) => {
      this.logs.push({ type: p.type as MessageType, message: p.message });
      if (p.type === 1) this.stderr += `[server error] ${p.message}\n`;
      this.wake();
    });
    this.connection.listen();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `check` holds, re-checking after every notification; rejects after timeoutMs. */
  until<T>(check: () => T | undefined | false, what: string, timeoutMs = 20000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}\n${this.stderr}`)),
        timeoutMs,
      );
      const test = () => {
        const v = check();
        if (v) {
          clearTimeout(timer);
          resolve(v);
        } else this.waiters.push(test);
      };
      test();
    });
  }

  /** Resolves to the server's InitializeResult; `capabilities` replace the VS Code-like default. */
  async initialize(
    rootPath: string,
    initializationOptions: object = { trusted: true },
    capabilities: ClientCapabilities = {
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
    },
  ): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri(rootPath),
      workspaceFolders: [{ uri: uri(rootPath), name: "tree" }],
      capabilities,
      initializationOptions,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  open(path: string, text: string, languageId = "plaintext"): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uri(path), languageId, version: 1, text },
    });
  }

  saved(path: string): Promise<void> {
    return this.connection.sendNotification(DidSaveTextDocumentNotification.type, {
      textDocument: { uri: uri(path) },
    });
  }

  changedOnDisk(path: string, type: FileChangeType = FileChangeType.Changed): Promise<void> {
    return this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: uri(path), type }],
    });
  }

  configure(settings: Partial<ServerSettings>): Promise<void> {
    this.settings = settings;
    return this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => this.child.once("exit", (code) => r(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/** The list when it has entries, for `until`. */
export function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}
