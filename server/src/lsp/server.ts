// The language server: thin glue between LSP and the core. It finds the purgatories in the workspace,
// simulates them when objects, Makefiles, linker scripts or settings change, and serves diagnostics,
// hovers, quick fixes and CodeLenses from the last results.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  FileChangeType,
  type DidChangeConfigurationParams,
  type ExecuteCommandParams,
  type Range,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeLens,
  type Connection,
  type Diagnostic,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type TextDocuments,
  type WorkspaceEdit,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { discoverPurgatories, type DiscoveredPurgatory } from "../core/kbuild/discover";
import { chooseKernel, type KernelChoice } from "../core/kbuild/release";
import { flagHover, symbolHover } from "../core/report/hover";
import { resolveFinding } from "../core/rules/resolve";
import { parseSize } from "../core/kexec/u64";
import {
  COMMANDS,
  ListRequest,
  LocateRequest,
  ReportRequest,
  ResimulateRequest,
  ResultNotification,
  type LocateParams,
  type PurgatoryStatus,
  type ReportAnswer,
  type ReportParams,
  type ResimulateParams,
} from "../protocol";
import { simulateCommandLine } from "./command-line";
import { encodedTextAnswer } from "./encoded-json";
import { diagnosticsFor, fallbackPlace, rangeOf, uriOf, type DiagnosticData } from "./diagnostics";
import { negotiateEncoding, PositionCodec } from "./encoding";
import {
  analyseLinkerScript,
  isLinkerScript,
  ldsCompletions,
  ldsDefinition,
  ldsDocumentSymbols,
  ldsHover,
  type LdsFixData,
} from "./lds";
import { optionsFor } from "./kexec-tools";
import { locate } from "./locate";
import { loadFiles, simulateProject, type ProjectResult } from "./project";
import { Scheduler, type RunContext } from "./scheduler";
import {
  DEFAULT_SERVER_SETTINGS,
  normaliseSettings,
  sectionGiven,
  settingsGiven,
  simulateOptions,
  type ServerSettings,
} from "./settings";
import { problemDiagnostics, analysisFailed, errorText } from "./problems";
import { SimulationPool } from "./simulation-pool";
import { CachedTreeFs } from "./cached-fs";
import { isMakefile, makefileModel } from "./makefile-models";
import { ObjectReader } from "./objects";
import { waitForChange } from "./stable";
import { TreeWatcher, type ChangeKind } from "./watcher";

/**
 * Fault injection for the LSP tier: "run" makes a run throw after simulating, "lds" makes every
 * linker-script analysis throw. Unset in normal use; it proves that no failure goes unreported.
 */
const FAULT = process.env.PURGATORY_LENS_FAULT;

/** How often an object that is not whole yet is stat'ed when no change event comes. */
const WRITING_POLL_MS = 20;
/** An object not whole and unchanged for this long is simulated as it is (the writer stopped). */
const WRITING_GIVE_UP_MS = 2000;

const pathOf = (uri: string): string | undefined =>
  uri.startsWith("file:") ? fileURLToPath(uri) : undefined;

/** What initializationOptions may carry (every field optional). */
interface InitOptions {
  /** VS Code's Workspace Trust; only the Purgatory Lens extension sends it. */
  trusted?: unknown;
  /** false: the server does not watch the tree itself (the client sends didChangeWatchedFiles). */
  watchFiles?: unknown;
}

/** The commands a client without the extension runs through workspace/executeCommand. */
const SERVER_COMMANDS = [COMMANDS.resimulate, COMMANDS.showSectionMap];

/** "kernel 7.2" or "kexec-tools 2.0.32": whose loader a result is about. */
function loaderLabel(r: ProjectResult): string {
  const loader = r.report?.loader;
  return loader?.kind === "kexec-tools" ? `kexec-tools ${loader.version}` : r.status.loader;
}

/** The kernel for a kernel purgatory: the setting, else its tree's own release, else the newest. */
function kernelChoiceFor(d: DiscoveredPurgatory, settings: ServerSettings): KernelChoice {
  const override =
    settings.kernelVersion !== ""
      ? { kernel: settings.kernelVersion, source: "setting" as const }
      : undefined;
  return chooseKernel(override, d.release, d.dir);
}

export class PurgatoryServer {
  private folders: string[] = [];
  private trusted = true;
  private canConfigure = false;
  private canRegisterConfiguration = false;
  /**
   * The client is the Purgatory Lens VS Code extension: it has the section map, runs our commands
   * itself and watches the files a build changes. Any other client gets the command line instead of
   * the map, the commands through workspace/executeCommand, and the server's own file watching.
   */
  private extension = false;
  private codec = new PositionCodec("utf-16", () => undefined);
  /** Settings from initializationOptions, then from didChangeConfiguration payloads (clients that
   *  cannot answer workspace/configuration push them). */
  private initSettings: Partial<Record<keyof ServerSettings, unknown>> = {};
  private pushedSettings: Partial<Record<keyof ServerSettings, unknown>> = {};
  private settings: ServerSettings = DEFAULT_SERVER_SETTINGS;
  private watcher: TreeWatcher | undefined;
  /** Hovers are markdown, which reads well as plain text too: a client that renders none gets it so. */
  private hoverKind: "markdown" | "plaintext" = "markdown";
  /** What the watcher's changes are checked against, from the last discovery. */
  private watchedFiles = { purgatoryDirs: new Set<string>(), files: new Set<string>() };
  /** Lines of files read from disk for position conversion, dropped when anything changes. */
  private diskLines = new Map<string, string[] | undefined>();
  private discovered: DiscoveredPurgatory[] = [];
  private needDiscovery = true;
  private objectsChanged = new Set<string>();
  private results = new Map<string, ProjectResult>();
  private published = new Set<string>();
  private readonly scheduler: Scheduler;
  private readonly liveResolve: Scheduler;
  /** Simulations run here, off the request loop. */
  private readonly pool = new SimulationPool();
  /** Objects polled for a change (read invalid, or not whole yet), each for a short while. */
  private rechecks = new Set<string>();
  /** The user asked for a run (Re-simulate): it simulates objects as they are, whole or not. */
  private asked = false;
  /** Objects that were not whole when last read; givenUp once one stopped changing that way. */
  private writing = new Map<string, { givenUp: boolean }>();
  /** What discovery reads, cached by size, mtime and inode. */
  private readonly treeFs = new CachedTreeFs();
  /** The model key of each Makefile the last run read (a save that keeps it re-resolves only). */
  private runMakefiles = new Map<string, string>();
  /** Reads objects around the worker's structural check, and caches their simulations. */
  private readonly objects = new ObjectReader(this.pool);
  /** Linker-script analyses of open documents, by URI. */
  private lds = new Map<string, Awaited<ReturnType<typeof analyseLinkerScript>>>();
  private ldsTimers = new Map<string, NodeJS.Timeout>();
  /** Open linker scripts whose analysis threw: one diagnostic each until it succeeds again. */
  private ldsFailures = new Map<string, Diagnostic>();
  /** Notes about how kexec-tools trees are simulated, each shown once. */
  private shownNotes = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
  ) {
    this.scheduler = new Scheduler(
      250,
      (ctx) => this.run(ctx),
      (e, reasons) => this.runFailed(e, reasons),
    );
    this.liveResolve = new Scheduler(
      150,
      async () => this.reresolve(),
      (e) => this.connection.console.error(`re-resolving the diagnostics failed: ${errorText(e)}`),
    );
    connection.onInitialize((p) => this.initialize(p));
    connection.onInitialized(() => this.initialized());
    connection.onDidChangeConfiguration((p: DidChangeConfigurationParams) => {
      if (!this.canConfigure) this.pushedSettings = { ...this.pushedSettings, ...settingsGiven(p?.settings) };
      this.needDiscovery = true;
      void this.scheduler.trigger("settings changed");
    });
    connection.onDidChangeWatchedFiles((e) => {
      let onlyObjects = true;
      for (const c of e.changes) {
        const path = pathOf(c.uri);
        if (!path) continue;
        if (path.endsWith(".ro") || path.endsWith(".o")) this.objectsChanged.add(path);
        else this.needDiscovery = true; // includes a tree's release records (discovery reads them)
        if (c.type !== FileChangeType.Changed) this.needDiscovery = true;
        if (this.needDiscovery) onlyObjects = false;
      }
      this.diskLines.clear();
      // A rebuilt object is judged by its structure: no need to wait. Other changes (a checkout, a
      // build writing .cmd files) are gathered first, as they start a walk of the tree.
      void this.scheduler.trigger("files changed on disk", onlyObjects ? 0 : undefined);
    });
    connection.onExecuteCommand((p) => this.executeCommand(p));
    documents.onDidSave((e) => {
      const path = pathOf(e.document.uri);
      if (!path) return;
      // configure.ac: a kexec-tools tree's release.
      const tree = /(^|\/)configure\.ac$/.test(path);
      const relevant = tree || this.projectFor(path) !== undefined || this.releaseRecordFor(path);
      // An explicit save runs at once (a debounce is for typing). A Makefile saved with the model the
      // last run read (only comments, blank lines or line breaks moved) changes positions only.
      if (
        relevant &&
        isMakefile(path) &&
        this.runMakefiles.get(path) === makefileModel(path, e.document.getText()).key
      ) {
        void this.liveResolve.trigger(`saved ${basename(path)}`, 0);
        return;
      }
      if (tree || isMakefile(path) || /\.(lds|ld|lds\.S)$/.test(path)) this.needDiscovery = true;
      if (relevant) void this.scheduler.trigger(`saved ${basename(path)}`, 0);
    });
    // While typing, keep the diagnostics on the right lines without re-simulating.
    documents.onDidChangeContent((e) => {
      const path = pathOf(e.document.uri);
      if (path && isLinkerScript(path)) this.scheduleLds(e.document.uri);
      if (path && this.projectFor(path)) void this.liveResolve.trigger("edit");
    });
    documents.onDidClose((e) => {
      this.lds.delete(e.document.uri);
      this.publish();
    });
    connection.onHover((p) => {
      const uri = p.textDocument.uri;
      const at = this.codec.in(uri, p.position);
      const h = this.hover(uri, at.line, at.character);
      return h?.range ? { ...h, range: this.codec.outRange(uri, h.range) } : h;
    });
    connection.onDocumentSymbol((p) => {
      const uri = p.textDocument.uri;
      const a = this.lds.get(uri);
      const symbols = a ? ldsDocumentSymbols(a) : [];
      if (this.codec.identity) return symbols;
      const convert = (x: (typeof symbols)[number]): (typeof symbols)[number] => ({
        ...x,
        range: this.codec.outRange(uri, x.range),
        selectionRange: this.codec.outRange(uri, x.selectionRange),
        children: x.children?.map(convert),
      });
      return symbols.map(convert);
    });
    connection.onDefinition((p) => {
      const a = this.lds.get(p.textDocument.uri);
      const at = this.codec.in(p.textDocument.uri, p.position);
      const found = a ? ldsDefinition(a, p.textDocument.uri, at.line, at.character) : [];
      return found.map((l) => ({ ...l, range: this.codec.outRange(l.uri, l.range) }));
    });
    connection.onCompletion((p) => {
      const a = this.lds.get(p.textDocument.uri);
      return a ? ldsCompletions(a) : [];
    });
    connection.onCodeAction((p) => this.codeActions(p.textDocument.uri, p.context.diagnostics));
    connection.onCodeLens((p) => this.codeLenses(p.textDocument.uri));
    connection.onRequest(ResimulateRequest, async (p: ResimulateParams) => {
      this.needDiscovery = true;
      this.asked = true;
      await this.scheduler.trigger(p?.reason ?? "request", 0);
      return this.statuses();
    });
    connection.onRequest(ListRequest, () => this.statuses());
    connection.onRequest(LocateRequest, (p: LocateParams) => {
      // The map's reports name their object by file path (the JSON report's `object`); the client
      // API by URI. Accept both.
      const r = this.results.get(pathOf(p.object) ?? p.object);
      return (r && locate(r.files, p.target)) ?? null;
    });
    connection.onRequest(ReportRequest, (p: ReportParams) => this.report(p ?? {}));
    connection.onShutdown(() => {
      this.scheduler.dispose();
      this.pool.dispose();
      this.liveResolve.dispose();
      this.watcher?.dispose();
    });
  }

  private initialize(p: InitializeParams): InitializeResult {
    const folders = p.workspaceFolders?.map((f) => pathOf(f.uri)) ?? [
      p.rootUri ? pathOf(p.rootUri) : undefined,
    ];
    this.folders = folders.filter((f): f is string => f !== undefined);
    const init = (p.initializationOptions ?? {}) as InitOptions;
    this.trusted = init.trusted !== false;
    this.extension = typeof init.trusted === "boolean";
    // A client that names no workspace (Helix with no root marker, a bare `vim.lsp.start_client`)
    // started us in the folder the user works in: that is the tree.
    if (this.folders.length === 0 && !this.extension) this.folders = [process.cwd()];
    this.initSettings = settingsGiven(p.initializationOptions);
    this.canConfigure = p.capabilities.workspace?.configuration === true;
    this.canRegisterConfiguration =
      p.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    if (!this.extension && init.watchFiles !== false)
      this.watcher = new TreeWatcher(
        (path, kind) => this.fileChanged(path, kind),
        (m) => this.log(m),
      );
    const formats = p.capabilities.textDocument?.hover?.contentFormat;
    this.hoverKind = formats === undefined || formats.includes("markdown") ? "markdown" : "plaintext";
    const negotiated = negotiateEncoding(p.capabilities);
    this.codec = new PositionCodec(negotiated.encoding, (uri, line) => this.lineOf(uri, line));
    return {
      capabilities: {
        ...(negotiated.via === "positionEncoding" ? { positionEncoding: negotiated.encoding } : {}),
        textDocumentSync: {
          openClose: true,
          // Incremental edits arrive in the client's encoding; whole texts need no conversion.
          change: this.codec.identity ? TextDocumentSyncKind.Incremental : TextDocumentSyncKind.Full,
          save: { includeText: false },
        },
        hoverProvider: true,
        documentSymbolProvider: true,
        definitionProvider: true,
        completionProvider: { triggerCharacters: ["(", ".", "*"] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true } },
        // The extension registers these commands in VS Code itself; announcing them there too would
        // make its client register them a second time.
        ...(this.extension ? {} : { executeCommandProvider: { commands: SERVER_COMMANDS } }),
      },
      ...(negotiated.via === "offsetEncoding" ? { offsetEncoding: negotiated.encoding } : {}),
      serverInfo: { name: "purgatory-lens" },
    };
  }

  /** Line `line` of a file, from its open buffer or the disk, for converting columns. */
  private lineOf(uri: string, line: number): string | undefined {
    const doc = this.documents.get(uri);
    if (doc)
      return doc
        .getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } })
        .replace(/\r?\n$/, "");
    if (!this.diskLines.has(uri)) {
      const path = pathOf(uri);
      let lines: string[] | undefined;
      try {
        lines = path === undefined ? undefined : readFileSync(path, "utf8").split(/\r?\n/);
      } catch {
        lines = undefined;
      }
      this.diskLines.set(uri, lines);
    }
    return this.diskLines.get(uri)?.[line];
  }

  /** A change the server's own watcher saw (clients that send no didChangeWatchedFiles). */
  private fileChanged(path: string, kind: ChangeKind): void {
    if (!this.relevant(path)) return;
    if (kind === "object") this.objectsChanged.add(path);
    else if (kind === "build-input") this.needDiscovery = true;
    // Files open in the editor are the editor's business (didChange, didSave), except objects.
    if (kind !== "object" && this.documents.get(uriOf(path))) return;
    this.diskLines.clear();
    // A rebuilt object is judged by its structure, at once; other files are gathered first.
    void this.scheduler.trigger(`${basename(path)} changed on disk`, kind === "object" ? 0 : undefined);
  }

  /**
   * Whether a change the watcher saw can matter. A purgatory's own folders count whole; in a
   * workspace root only the top-level Makefile (the kernel's release) and configure.ac (kexec-tools')
   * do; elsewhere (lib/crypto/ for the kernel's sha256.c, say) only the purgatory's own files and
   * their .cmd records, so a kernel build writing its other objects does not re-simulate each time.
   */
  private relevant(path: string): boolean {
    const dir = dirname(path);
    const name = basename(path);
    if (this.watchedFiles.purgatoryDirs.has(dir)) return true;
    if (this.folders.includes(dir)) return /^(Makefile|Kbuild|configure\.ac)$/.test(name);
    const recordOf = /^\.(.+)\.cmd$/.exec(name)?.[1];
    return (
      this.watchedFiles.files.has(path) ||
      (recordOf !== undefined && this.watchedFiles.files.has(join(dir, recordOf)))
    );
  }

  /** The folders the server's watcher covers: every purgatory's, and the workspace roots. */
  private watchedFolders(): Set<string> {
    const dirs = new Set<string>(this.folders);
    const purgatoryDirs = new Set<string>();
    const files = new Set<string>();
    for (const d of this.discovered) {
      for (const f of [
        d.object,
        d.makefile,
        d.linkerScript,
        d.cmdFile,
        ...(d.extraMakefiles ?? []),
        ...d.sources,
        ...d.objects,
      ])
        if (f) {
          dirs.add(dirname(f));
          files.add(f);
        }
      for (const own of [d.dir, d.srcDir, dirname(d.object), d.makefile && dirname(d.makefile)])
        if (own) {
          dirs.add(own);
          purgatoryDirs.add(own);
        }
    }
    this.watchedFiles = { purgatoryDirs, files };
    return dirs;
  }

  private async executeCommand(p: ExecuteCommandParams): Promise<unknown> {
    const args = p.arguments ?? [];
    switch (p.command) {
      case COMMANDS.resimulate:
        this.needDiscovery = true;
        this.asked = true;
        await this.scheduler.trigger("workspace/executeCommand", 0);
        return this.statuses();
      case COMMANDS.showSectionMap: {
        const wanted =
          typeof args[0] === "string" ? (pathOf(args[0]) ?? args[0]) : this.discovered[0]?.object;
        const line = wanted === undefined ? undefined : this.simulateLine(wanted);
        if (line === undefined) {
          void this.connection.window.showWarningMessage(
            "Purgatory Lens: no purgatory object in this workspace",
          );
          return null;
        }
        void this.connection.window.showInformationMessage(
          `Purgatory Lens: this editor has no section map; the same layout, symbols and relocations: ${line}`,
        );
        return line;
      }
      default:
        throw new Error(`unknown command ${p.command}`);
    }
  }

  /** The CLI command line that simulates `object` as the server does (for clients without the map). */
  private simulateLine(object: string): string | undefined {
    const d = this.discovered.find((x) => x.object === object);
    if (!d) return undefined;
    const options = optionsFor(d, simulateOptions(this.settings).options, this.settings).options;
    return simulateCommandLine(
      object,
      options,
      this.folders.find((f) => object.startsWith(f + "/")),
    );
  }

  private initialized(): void {
    // Only a client that says it accepts this registration gets it (eglot, for one, warns otherwise).
    if (this.canConfigure && this.canRegisterConfiguration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, {
        section: "purgatoryLens",
      });
    }
    this.log(
      `workspace ${this.folders.join(", ")}${this.trusted ? "" : " (restricted mode: no workspace tools are run)"}`,
    );
    void this.scheduler.trigger("startup", 0);
  }

  private log(message: string): void {
    this.connection.console.info(message);
  }

  /** A warning the user sees once per server (not on every re-simulation), and the log line. */
  private noteOnce(message: string): void {
    this.log(message);
    if (this.shownNotes.has(message)) return;
    this.shownNotes.add(message);
    void this.connection.window.showWarningMessage(`Purgatory Lens: ${message}`);
  }

  /**
   * The settings, in layers: initializationOptions, then what didChangeConfiguration pushed, then the
   * client's workspace/configuration answer where it has one (VS Code always; Neovim and eglot only
   * for the names the user configured there).
   */
  private async readSettings(): Promise<void> {
    let pulled: Partial<Record<keyof ServerSettings, unknown>> = {};
    if (this.canConfigure) {
      const scopeUri = this.folders[0] ? uriOf(this.folders[0]) : undefined;
      try {
        const raw: unknown = await this.connection.workspace.getConfiguration({
          scopeUri,
          section: "purgatoryLens",
        });
        pulled = sectionGiven(raw);
      } catch (e) {
        this.log(`workspace/configuration failed (${String(e)}): using initializationOptions`);
      }
    }
    this.settings = normaliseSettings({ ...this.initSettings, ...this.pushedSettings, ...pulled });
  }

  /** Text of a file: the open editor's buffer if any, else the disk. */
  private readonly text = async (path: string): Promise<string | undefined> => {
    const doc = this.documents.get(uriOf(path));
    if (doc) return doc.getText();
    try {
      return await readFile(path, "utf8");
    } catch {
      return undefined;
    }
  };

  private async run(ctx: RunContext): Promise<void> {
    const t0 = performance.now();
    await this.readSettings();
    const { options, problems } = simulateOptions(this.settings);
    for (const p of problems) this.connection.window.showWarningMessage(`Purgatory Lens: ${p}`);
    if (this.needDiscovery) {
      const signal = { get cancelled() { return ctx.stale(); } }; // prettier-ignore
      const found = await discoverPurgatories(this.treeFs, this.folders, {
        extraGlobs: this.settings.extraObjectGlobs,
        signal,
      });
      if (ctx.stale()) return;
      this.discovered = found;
      this.needDiscovery = false;
      this.watcher?.watchDirs(this.watchedFolders());
      for (const d of found) for (const n of d.notes) this.log(`${d.object}: ${n}`);
      this.log(
        `found ${found.length} purgatory object${found.length === 1 ? "" : "s"}: ${found.map((d) => d.object).join(", ")}`,
      );
    }
    // Objects that changed since the last run: one a build is still writing is judged by its structure
    // (objects.ts), not by waiting for it to settle.
    this.objectsChanged.clear();

    // The user asked (Re-simulate): every object is simulated as it is now, whole or not.
    const asked = this.asked;
    const results = new Map<string, ProjectResult>();
    for (const d of this.discovered) {
      if (ctx.stale()) return;
      const own = optionsFor(d, options, this.settings);
      if (own.note !== undefined) this.noteOnce(own.note);
      const kernel = own.options.loader === "kexec-tools" ? undefined : kernelChoiceFor(d, this.settings);
      // Outside the modelled range is worth a message; no tree at all is said in the status and log.
      if (kernel?.warning !== undefined && kernel.source !== "default") this.noteOnce(kernel.warning);
      else if (kernel?.warning !== undefined) this.log(`${d.object}: ${kernel.warning}`);
      this.log(`simulating ${d.object}…`);
      const asIs = asked || this.writing.get(d.object)?.givenUp === true;
      const r = await simulateProject(
        d,
        kernel ? { ...own.options, kernel: kernel.kernel } : own.options,
        this.text,
        kernel,
        { allowTools: this.trusted },
        (object, o, max) => this.objects.simulate(object, o, max, asIs),
      );
      if (r.writing !== undefined) {
        // Never reported: the last whole object's findings stay, the status says it is being written.
        this.log(`${d.object} is being written (${r.writing}); waiting for the next change`);
        const last = this.results.get(d.object);
        const { errors, warnings } = last?.status ?? r.status;
        results.set(d.object, {
          ...(last ?? r),
          status: { ...r.status, errors, warnings },
          writing: r.writing,
        });
        this.waitWhileWritten(d.object);
        continue;
      }
      this.writing.delete(d.object);
      results.set(d.object, r);
      for (const m of [r.files.makefile, ...(r.files.extraMakefiles ?? [])])
        if (m) this.runMakefiles.set(m.path, makefileModel(m.path, m.text).key);
      if (r.status.state === "error")
        this.connection.console.error(`simulating ${d.object} failed: ${r.problem}`);
      else
        this.log(
          `simulated ${d.object} (${loaderLabel(r)}) in ${r.status.durationMs} ms: ${r.status.summary}`,
        );
      if (r.status.state === "invalid") this.recheckWhenWritten(d.object);
    }
    this.results = results;
    if (asked) this.asked = false;
    if (FAULT === "run") throw new Error("injected fault (PURGATORY_LENS_FAULT=run)");
    for (const doc of this.documents.all()) {
      const path = pathOf(doc.uri);
      if (path && isLinkerScript(path)) await this.analyseLds(doc.uri);
    }
    this.publish();
    void this.connection.sendNotification(ResultNotification, { purgatories: this.statuses() });
    this.log(`run for ${ctx.reasons.join(", ")} took ${Math.round(performance.now() - t0)} ms`);
  }

  /** Re-resolve places against the current editor texts (no new simulation). */
  private async reresolve(): Promise<void> {
    for (const [object, r] of this.results) {
      const d = this.discovered.find((x) => x.object === object);
      if (!d || !r.report) continue;
      const loaded = await loadFiles(d, this.text, { allowTools: this.trusted });
      // The line tables describe the object as built: they stay until the next simulation.
      const files = r.files.lineMap ? { ...loaded, lineMap: r.files.lineMap } : loaded;
      this.results.set(object, {
        ...r,
        files,
        resolved: r.report.findings.map((f) => resolveFinding(f, files)),
      });
    }
    this.publish();
  }

  /** A run that threw: logged with its stack, and every status says the run failed. */
  private runFailed(e: unknown, reasons: readonly string[]): void {
    const text = errorText(e);
    this.connection.console.error(`the run for ${reasons.join(", ")} failed: ${text}`);
    const summary = `simulation run failed: ${text.split("\n")[0]}`;
    for (const [object, r] of this.results) {
      const status = { ...r.status, state: "error" as const, summary, errors: Math.max(1, r.status.errors) };
      this.results.set(object, { ...r, status, problem: summary });
    }
    this.publish();
    void this.connection.sendNotification(ResultNotification, { purgatories: this.statuses() });
  }

  /**
   * An object that was read unusable may still be written by a build that paused for longer than
   * the server waits for it (WRITING_GIVE_UP_MS): poll it a while and simulate again once it changes.
   */
  private recheckWhenWritten(object: string): void {
    this.pollForChange(object, 200, 10_000, (changed) => {
      if (changed) this.rerun(object, `${basename(object)} changed after it was read`);
    });
  }

  /**
   * An object that is not whole yet is simulated again on the next change event, or when the
   * fallback poll sees it change (a client that sends one notification for a file written in
   * pieces). Once it has not changed for WRITING_GIVE_UP_MS it is what the writer left (a build that
   * failed or was stopped): it is then simulated as it is, and the simulation says what is wrong.
   */
  private waitWhileWritten(object: string): void {
    const state = this.writing.get(object) ?? { givenUp: false };
    this.writing.set(object, state);
    this.pollForChange(object, WRITING_POLL_MS, WRITING_GIVE_UP_MS, (changed) => {
      if (this.writing.get(object) !== state) return; // read whole in the meantime
      if (!changed) state.givenUp = true;
      this.rerun(object, `${basename(object)} ${changed ? "written further" : "stopped changing"}`);
    });
  }

  private rerun(object: string, reason: string): void {
    this.objectsChanged.add(object);
    void this.scheduler.trigger(reason, 0);
  }

  /** Polls `object` every intervalMs for up to timeoutMs; one poll per object at a time. */
  private pollForChange(
    object: string,
    intervalMs: number,
    timeoutMs: number,
    then: (changed: boolean) => void,
  ): void {
    if (this.rechecks.has(object)) return;
    this.rechecks.add(object);
    void waitForChange(object, { intervalMs, timeoutMs }).then((changed) => {
      this.rechecks.delete(object);
      then(changed);
    });
  }

  private publish(): void {
    this.diskLines.clear();
    const byUri = new Map<string, Diagnostic[]>();
    const add = (uri: string, list: Diagnostic[]) => byUri.set(uri, [...(byUri.get(uri) ?? []), ...list]);
    for (const [object, r] of this.results) {
      if (!r.report && r.writing !== undefined) continue; // nothing whole read yet: nothing to say
      if (!r.report && r.problem !== undefined && r.status.state !== "missing") {
        for (const [uri, list] of problemDiagnostics(object, r)) add(uri, list);
        continue;
      }
      const said = r.report?.loader.kind === "kexec-tools" ? "kexec" : "kernel";
      for (const [uri, list] of diagnosticsFor(object, r.resolved, said, fallbackPlace(r.files.makefile)))
        add(uri, list);
    }
    for (const a of this.lds.values()) {
      for (const [uri, list] of a.diagnostics) add(uri, list);
    }
    for (const [uri, d] of this.ldsFailures) add(uri, [d]);
    for (const uri of this.published)
      if (!byUri.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    for (const [uri, diagnostics] of byUri)
      void this.connection.sendDiagnostics({
        uri,
        diagnostics: diagnostics.map((d) => this.diagnosticOut(uri, d)),
      });
    this.published = new Set(byUri.keys());
  }

  /** A diagnostic in the client's position encoding. */
  private diagnosticOut(uri: string, d: Diagnostic): Diagnostic {
    if (this.codec.identity) return d;
    return {
      ...d,
      range: this.codec.outRange(uri, d.range),
      ...(d.relatedInformation
        ? {
            relatedInformation: d.relatedInformation.map((r) => ({
              ...r,
              location: { ...r.location, range: this.codec.outRange(r.location.uri, r.location.range) },
            })),
          }
        : {}),
    };
  }

  private scheduleLds(uri: string): void {
    clearTimeout(this.ldsTimers.get(uri));
    this.ldsTimers.set(
      uri,
      setTimeout(() => {
        this.ldsTimers.delete(uri);
        this.analyseLds(uri)
          .then(() => this.publish())
          .catch((e: unknown) =>
            this.connection.console.error(`linker-script analysis of ${uri} failed: ${String(e)}`),
          );
      }, 150),
    );
  }

  private async analyseLds(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    const path = pathOf(uri);
    if (!doc || !path) return;
    const purgatory = this.discovered.find(
      (d) => d.linkerScript === path || d.linkerScript + ".S" === path || dirname(d.object) === dirname(path),
    );
    let a: Awaited<ReturnType<typeof analyseLinkerScript>>;
    try {
      if (FAULT === "lds") throw new Error("injected fault (PURGATORY_LENS_FAULT=lds)");
      a = await analyseLinkerScript(path, doc.getText(), purgatory, this.trusted);
    } catch (e) {
      // The script stays open and the purgatory runs go on publishing; the failure is shown on it.
      this.connection.console.error(`linker-script analysis of ${path} failed: ${errorText(e)}`);
      this.lds.delete(uri);
      this.ldsFailures.set(uri, analysisFailed(e));
      return;
    }
    this.ldsFailures.delete(uri);
    if (this.documents.get(uri)?.version === doc.version) this.lds.set(uri, a);
  }

  private statuses(): PurgatoryStatus[] {
    return [...this.results.values()].map((r) => ({ ...r.status, object: uriOf(r.status.object) }));
  }

  /**
   * Whether a file is where a purgatory's kernel release is (or could be) recorded: a Makefile,
   * include/config/kernel.release or include/generated/utsrelease.h at the root of a tree above it.
   */
  private releaseRecordFor(path: string): boolean {
    const m = /^(.*)\/(?:Makefile|include\/config\/kernel\.release|include\/generated\/utsrelease\.h)$/.exec(
      path,
    );
    return (
      m !== null && this.discovered.some((d) => d.release?.path === path || d.dir.startsWith(`${m[1]}/`))
    );
  }

  private projectFor(path: string): ProjectResult | undefined {
    for (const d of this.discovered) {
      if (
        d.makefile === path ||
        d.extraMakefiles?.includes(path) ||
        d.linkerScript === path ||
        d.object === path ||
        d.sources.includes(path)
      ) {
        return this.results.get(d.object);
      }
    }
    return undefined;
  }

  private hover(uri: string, line: number, character: number): Hover | null {
    const path = pathOf(uri);
    const a = this.lds.get(uri);
    if (a) return ldsHover(a, line, character);
    const doc = this.documents.get(uri);
    const r = path && this.projectFor(path);
    if (!r || !r.report || !doc) return null;
    const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    const isMake =
      r.files.makefile?.path === path || (r.files.extraMakefiles ?? []).some((m) => m.path === path);
    const re = isMake ? /-[A-Za-z0-9_=.+-]+/g : /[A-Za-z_.$][A-Za-z0-9_.$]*/g;
    for (const m of text.matchAll(re)) {
      // In inline or plain assembly `$sym` is an immediate: the symbol is what follows the `$`.
      const dollar = !isMake && m[0].length > 1 && m[0].startsWith("$") ? 1 : 0;
      const word = m[0].slice(dollar);
      const start = (m.index ?? 0) + dollar;
      if (character < start || character > start + word.length) continue;
      const label = basename(r.status.object);
      const from = r.kernelChoice && r.status.loader;
      const value = isMake ? flagHover(r.report, word, from) : symbolHover(r.report, word, label, from);
      if (!value) return null;
      // Only the extension can open the map; other editors get the command line that prints the same.
      const cli = this.extension ? undefined : this.simulateLine(r.status.object);
      const link =
        cli === undefined
          ? `\n\n[Show section map](command:${COMMANDS.showSectionMap}?${encodeURIComponent(JSON.stringify([uriOf(r.status.object)]))})`
          : `\n\nSection map: \`${cli}\``;
      return {
        contents: { kind: this.hoverKind, value: value + link },
        range: { start: { line, character: start }, end: { line, character: start + word.length } },
      };
    }
    return null;
  }

  private codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
    const actions: CodeAction[] = [];
    for (const d of diagnostics) {
      const lds = (d.data as Partial<LdsFixData> | undefined)?.ldsFix;
      if (d.source === "purgatory" && lds) {
        const e = lds.edit;
        actions.push({
          title: lds.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: {
            changes: {
              [uriOf(e.path)]: [{ range: this.rangeOut(uriOf(e.path), rangeOf(e)), newText: e.newText }],
            },
          },
        });
        continue;
      }
      const data = d.data as DiagnosticData | undefined;
      if (d.source !== "purgatory" || !data) continue;
      const r = this.results.get(data.object);
      const resolved = r?.resolved[data.findingIndex];
      if (!resolved || resolved.finding.id !== data.rule) continue;
      actions.push({
        title: "Show the section map for this purgatory",
        kind: CodeActionKind.Empty,
        diagnostics: [d],
        command: {
          title: "Show section map",
          command: COMMANDS.showSectionMap,
          arguments: [uriOf(data.object)],
        },
      });
      for (const fix of resolved.fixes) {
        const changes: WorkspaceEdit["changes"] = {};
        for (const e of fix.edits) {
          const to = uriOf(e.path);
          (changes[to] ??= []).push({ range: this.rangeOut(to, rangeOf(e)), newText: e.newText });
        }
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: { changes },
          isPreferred: true,
        });
      }
    }
    void uri;
    return actions;
  }

  private rangeOut(uri: string, r: Range): Range {
    return this.codec.outRange(uri, r);
  }

  private codeLenses(uri: string): CodeLens[] {
    const path = pathOf(uri);
    const lenses: CodeLens[] = [];
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    for (const r of this.results.values()) {
      const makefiles = [r.files.makefile, ...(r.files.extraMakefiles ?? [])].map((m) => m?.path);
      if (!makefiles.includes(path) && path !== r.files.linkerScript?.path) continue;
      lenses.push({
        range,
        command: {
          title: `Purgatory Lens: ${basename(r.status.object)} ${r.status.summary} (${loaderLabel(r)}) · Re-simulate`,
          command: COMMANDS.resimulate,
        },
      });
      lenses.push({
        range,
        command: {
          title: "Show section map",
          command: COMMANDS.showSectionMap,
          arguments: [uriOf(r.status.object)],
        },
      });
    }
    return lenses;
  }

  /**
   * The report request: the simulation and the answer's JSON are made in the worker; this thread
   * only hands the bytes on (encoded-json.ts).
   */
  private async report(p: ReportParams): Promise<ReportAnswer> {
    const object = p.object ? pathOf(p.object) : this.discovered[0]?.object;
    if (!object) return null;
    const settings = {
      ...this.settings,
      kernelVersion: p.kernel ?? this.settings.kernelVersion,
      loadAddresses: p.loads ?? this.settings.loadAddresses,
      ramSize: p.ramSize ?? this.settings.ramSize,
    };
    const d = this.discovered.find((x) => x.object === object);
    const base = simulateOptions(settings).options;
    const own = d ? optionsFor(d, base, settings).options : base;
    // The map's own kernel control wins, then what the editor's results used.
    const choice =
      own.loader === "kexec-tools"
        ? undefined
        : p.kernel
          ? { kernel: p.kernel, source: "section map" }
          : d
            ? kernelChoiceFor(d, settings)
            : undefined;
    const options = choice ? { ...own, kernel: choice.kernel } : own;
    if (p.ramSize && parseSize(p.ramSize) === undefined) return { error: `"${p.ramSize}" is not a size` };
    let bytes: Uint8Array;
    try {
      bytes = await readFile(object);
    } catch {
      return { error: `${object} is not built yet` };
    }
    try {
      const r = await this.pool.report(bytes, options, object, choice ? { kernelSource: choice.source } : {});
      return "encoded" in r ? encodedTextAnswer(r.encoded) : r;
    } catch (e) {
      this.connection.console.error(`the report for ${object} failed: ${errorText(e)}`);
      return { error: errorText(e).split("\n")[0] ?? "" };
    }
  }
}
