// The LSP tier for the loader settings (purgatoryLens.arch, .loader, .kexecToolsVersion) on a copy of
// examples/linux: a bad value is reported to the user, kexec-tools' loader replaces the kernel's
// findings with its own messages, and the kexec-tools release changes them as the CLI does. Every wait
// is on a notification.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MessageType, type Diagnostic } from "vscode-languageserver-protocol/node";
import type { ResultParams } from "../../server/src/protocol";
import type { ServerSettings } from "../../server/src/lsp/settings";
import { repoRoot } from "../helpers";
import { ServerUnderTest, uri } from "./harness";
import { covered, hover } from "./trees";

describe("language server settings for the loader (examples/linux)", () => {
  let server: ServerUnderTest;
  let tree: string;
  const pdir = () => join(tree, "arch/x86/purgatory");
  const mk = () => join(pdir(), "Makefile");
  const c = () => join(pdir(), "purgatory.c");
  const all = (): Diagnostic[] => [...server.diagnostics.values()].flat();
  const related = (d: Diagnostic) => (d.relatedInformation ?? []).map((r) => r.message);

  /** Changes the settings and waits for the simulation they start. */
  async function configure(settings: Partial<ServerSettings>): Promise<ResultParams> {
    const runs = server.results.length;
    const shown = server.messages.length;
    await server.configure(settings);
    const r = await server.until(() => server.results.length > runs && server.results.at(-1), "a new result");
    newMessages = server.messages.slice(shown).map((m) => m.message);
    return r;
  }
  let newMessages: string[] = [];

  before(async () => {
    tree = mkdtempSync(join(tmpdir(), "pl-settings-"));
    cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
    server = new ServerUnderTest();
    await server.initialize(tree);
    await server.until(() => server.results.at(-1), "the first result");
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  it("starts with the kernel's findings and no warning", async () => {
    const overflow = await server.until(
      () => server.diagnostics.get(uri(mk()))?.find((d) => d.code === "reloc-overflow"),
      "the kernel's overflow",
    );
    assert.ok(related(overflow).some((m) => m.startsWith("kernel: kexec: Overflow in relocation type 10")));
    assert.deepEqual(server.messages, []);
  });

  for (const [setting, value, expected] of [
    [
      "arch",
      "sparc64",
      /^Purgatory Lens: purgatoryLens\.arch: "sparc64" is not a modelled architecture \(.*\bppc64\b.*; empty: detect from e_machine\)$/,
    ],
    [
      "loader",
      "grub",
      /^Purgatory Lens: purgatoryLens\.loader: "grub" is neither "kernel" nor "kexec-tools"$/,
    ],
    [
      "kexecToolsVersion",
      "banana",
      /^Purgatory Lens: purgatoryLens\.kexecToolsVersion: kexec-tools version "banana" is not a release like 2\.0\.32$/,
    ],
    [
      "kexecToolsVersion",
      "1.0",
      /^Purgatory Lens: purgatoryLens\.kexecToolsVersion: kexec-tools 1\.0(\.0)? is not modelled \(2\.0\.\d+ to 2\.0\.\d+\)$/,
    ],
  ] as const) {
    it(`warns about ${setting}: "${value}" and keeps simulating with the default`, async () => {
      const r = await configure({ [setting]: value });
      assert.equal(newMessages.length, 1, JSON.stringify(newMessages));
      assert.match(newMessages[0]!, expected);
      assert.equal(server.messages.at(-1)!.type, MessageType.Warning);
      // The default stands in for the bad value: the kernel's x86_64 findings, as before.
      assert.equal(r.purgatories[0]!.state, "failed");
      const overflow = server.diagnostics.get(uri(mk()))?.find((d) => d.code === "reloc-overflow");
      assert.ok(overflow && related(overflow).some((m) => m.startsWith("kernel: kexec: Overflow")));
    });
  }

  it("a good value warns no more", async () => {
    await configure({ arch: "x86_64", loader: "kernel", kexecToolsVersion: "" });
    assert.deepEqual(newMessages, []);
  });

  it('with loader "kexec-tools", the findings are kexec-tools\' own', async () => {
    await configure({ loader: "kexec-tools" });
    assert.deepEqual(newMessages, []);
    const diags = all();
    // No kernel message is left anywhere.
    assert.ok(
      !diags.some((d) => related(d).some((m) => m.startsWith("kernel:"))),
      JSON.stringify(diags.map((d) => [d.code, related(d)])),
    );
    const overflow = server.diagnostics.get(uri(mk()))?.find((d) => d.code === "reloc-overflow");
    assert.ok(overflow, JSON.stringify(server.diagnostics.get(uri(mk()))?.map((d) => d.code)));
    assert.equal(covered(readFileSync(mk(), "utf8"), overflow), "-mcmodel=large");
    assert.ok(
      related(overflow).some((m) => /^kexec: overflow in relocation type R_X86_64_32 val [0-9a-f]+$/.test(m)),
      JSON.stringify(related(overflow)),
    );
    const symbol = diags.find((d) => d.code === "purgatory-symbol");
    assert.ok(symbol, JSON.stringify(diags.map((d) => d.code)));
    assert.match(symbol.message as string, /kexec-tools cannot set cmdline_end \(8 bytes\)/);
    assert.ok(related(symbol).includes("kexec: Symbol: cmdline_end not found cannot set"));
    // No source defines cmdline_end: the finding is shown at the top of the Makefile.
    assert.ok(server.diagnostics.get(uri(mk()))!.includes(symbol));
    assert.equal(symbol.range.start.line, 0);
    assert.match(symbol.message as string, /no source line causes this: shown on the purgatory's Makefile/);
    // The kernel's multiple-entry-sections WARN is not kexec-tools' concern.
    assert.ok(!diags.some((d) => d.code === "entry-multiple-sections"));
  });

  it("hovers name kexec-tools and its release", async () => {
    const value = await hover(server, c(), "purgatory_sha_regions", 3);
    assert.match(
      value,
      /\*\*purgatory_sha_regions\*\* in `purgatory\.ro` \(x86_64, kexec-tools 2\.0\.\d+ \(kexec_load\)/,
    );
    assert.match(value, /R_X86_64_32/);
  });

  it("kexecToolsVersion 2.0.17 refuses PLT32, which the newest release handles", async () => {
    assert.ok(!all().some((d) => /R_X86_64_PLT32/.test(d.message as string)));
    await configure({ loader: "kexec-tools", kexecToolsVersion: "2.0.17" });
    assert.deepEqual(newMessages, []);
    const unknown = all().filter((d) => d.code === "reloc-unknown-type");
    assert.ok(unknown.length > 0, JSON.stringify(all().map((d) => d.code)));
    assert.ok(
      unknown.every((d) =>
        /kexec-tools 2\.0\.17 does not handle on x86_64: R_X86_64_PLT32/.test(d.message as string),
      ),
    );
    assert.ok(unknown.some((d) => related(d).includes("kexec: Unhandled rela relocation: R_X86_64_PLT32")));
    const value = await hover(server, c(), "purgatory_sha_regions", 3);
    assert.match(value, /kexec-tools 2\.0\.17 \(kexec_load\)/);
    // 2.0.18, the release that added PLT32, takes it.
    await configure({ loader: "kexec-tools", kexecToolsVersion: "2.0.18" });
    assert.ok(!all().some((d) => d.code === "reloc-unknown-type"));
  });

  it("arch names another architecture's loader for the object", async () => {
    await configure({ arch: "ppc64" });
    assert.deepEqual(newMessages, []);
    const diags = all();
    assert.ok(
      diags.some((d) => d.code === "rela-unsupported"),
      JSON.stringify(diags.map((d) => d.code)),
    );
    const value = await hover(server, c(), "purgatory_sha_regions", 3);
    assert.match(value, /\(ppc64, kexec_file_load, kernel 7\.2 \(newest modelled, no kernel tree found\)\)/);
  });

  it("shuts down cleanly", async () => {
    assert.equal(await server.shutdown(), 0);
  });
});
