// `purgatory-lens lsp --stdio`: the language server for any editor, as one documented command (the
// convention of clangd, `taplo lsp stdio`, `ruff server`, `deno lsp`). It is the same server the VS
// Code extension runs; editors without the extension talk to it over stdin and stdout.
import { packageVersion } from "./version";

export const LSP_USAGE = `usage: purgatory-lens lsp [--stdio]

Runs the Purgatory Lens language server on stdin/stdout (JSON-RPC, the Language Server Protocol).
Start it from your editor's LSP client, in the root of a kernel or kexec-tools tree; see "Other
editors" in the README for Neovim, Emacs (eglot), Helix and Vim.

Settings go in the initialize request's initializationOptions, under the names of the VS Code
settings, e.g. { "purgatoryLens": { "kernelVersion": "6.8", "ramSize": "16G" } }; a client that
answers workspace/configuration for the section "purgatoryLens" may give them there instead.

options:
  --stdio        talk LSP over stdin and stdout (the default, and the only transport)
  -h, --help     this text
  --version      print the version and exit`;

/** Runs the subcommand; returns its exit status (0 once the server is starting: it exits by itself). */
export function lspCommand(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  for (const a of argv) {
    if (a === "-h" || a === "--help") {
      out(LSP_USAGE + "\n");
      return 0;
    }
    if (a === "--version" || a === "-V") {
      out(`purgatory-lens ${packageVersion()}\n`);
      return 0;
    }
    // Clients pass their own transport flag; the only one we serve is stdio. vscode-languageclient
    // adds the editor's process id, which the server library reads by itself.
    if (a !== "--stdio" && !/^--clientProcessId=\d+$/.test(a)) {
      err(`purgatory-lens lsp: unknown option ${a} (only --stdio is supported)\n${LSP_USAGE}\n`);
      return 2;
    }
  }
  // Loaded only here: `purgatory-lens simulate` should not pay for the LSP library.
  import("../lsp/start.js")
    .then((m) => m.startStdioServer())
    .catch((e: unknown) => {
      err(`purgatory-lens lsp: could not start the server: ${String(e)}\n`);
      process.exit(1);
    });
  return 0;
}
