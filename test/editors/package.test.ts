// The npm package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a
// temporary prefix (no VS Code anywhere), then the installed `purgatory-lens` bin: --version,
// lsp --help, and a language-server session on examples/linux through `purgatory-lens lsp --stdio`.
// `npx` runs that same bin.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol/node";
import { repoRoot } from "../helpers";
import { nonEmpty, ServerUnderTest, uri } from "../lsp/harness";

const npm = (args: string[], cwd = repoRoot) =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], { cwd, encoding: "utf8" });

describe("the npm package, installed globally into a temporary prefix", () => {
  let scratch: string;
  let bin: string;
  let tarball: string;
  const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string })
    .version;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "pl-package-"));
    npm(["pack", "--pack-destination", scratch]);
    tarball = join(
      scratch,
      readdirSync(scratch).find((f) => f.endsWith(".tgz"))!,
    );
    npm(["install", "-g", "--prefix", join(scratch, "prefix"), tarball]);
    bin = join(scratch, "prefix", "bin", "purgatory-lens");
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("installs the purgatory-lens bin and nothing it does not run", () => {
    assert.ok(existsSync(bin), bin);
    const installed = join(scratch, "prefix", "lib", "node_modules", "purgatory-lens");
    // Everything is bundled into dist/: no dependency is fetched.
    assert.equal(existsSync(join(installed, "node_modules")), false);
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .sort();
    assert.ok(
      files.includes("package/dist/cli.js") && files.includes("package/dist/server.js"),
      files.join(" "),
    );
    assert.ok(
      !files.some(
        (f) => f.startsWith("package/server/") || f.startsWith("package/test/") || f.endsWith(".map"),
      ),
      files.join(" "),
    );
  });

  it("prints its version and the lsp subcommand's help", () => {
    assert.equal(execFileSync(bin, ["--version"], { encoding: "utf8" }), `purgatory-lens ${version}\n`);
    const help = execFileSync(bin, ["lsp", "--help"], { encoding: "utf8" });
    assert.match(help, /^usage: purgatory-lens lsp \[--stdio\]/);
    assert.match(help, /initializationOptions/);
    assert.match(execFileSync(bin, ["--help"], { encoding: "utf8" }), /purgatory-lens lsp --stdio/);
    assert.throws(
      () => execFileSync(bin, ["lsp", "--socket=1"], { stdio: "pipe" }),
      /only --stdio is supported/,
    );
  });

  it("runs the same bin through npx", () => {
    const out = npm(["exec", "--yes", `--package=${tarball}`, "--", "purgatory-lens", "--version"], scratch);
    assert.equal(out, `purgatory-lens ${version}\n`);
  });

  it("serves LSP from the installed bin: diagnostics on the Makefile's -mcmodel line", async () => {
    const tree = join(scratch, "linux");
    cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
    const server = new ServerUnderTest([bin, "lsp", "--stdio"]);
    try {
      await server.initialize(tree, {}, {});
      const makefile = join(tree, "arch/x86/purgatory/Makefile");
      const diags: Diagnostic[] = await server.until(
        () => nonEmpty(server.diagnostics.get(uri(makefile))),
        "diagnostics",
      );
      const line = readFileSync(makefile, "utf8")
        .split("\n")
        .findIndex((l) => l.startsWith("PURGATORY_CFLAGS := -mcmodel=large"));
      assert.ok(diags.some((d) => d.code === "reloc-overflow" && d.range.start.line === line));
      // The README link in a diagnostic points at the installed package's README.
      const href = diags[0]!.codeDescription!.href;
      assert.ok(existsSync(new URL(href.replace(/#.*$/, ""))), href);
    } finally {
      assert.equal(await server.shutdown(), 0);
    }
  });
});
