// The Debian packages the tests need, and a check that installs what is missing (as root, after
// `apt-get update`) or stops with the exact command to run. Shared by `npm test` and `npm run bench`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** command on PATH (or absolute path of a file) -> Debian package that provides it */
export const TEST_TOOLS = {
  gcc: "gcc",
  "gcc-12": "gcc-12",
  ld: "binutils",
  readelf: "binutils",
  objcopy: "binutils",
  cpp: "cpp",
  "clang-14": "clang-14",
  "clang-16": "clang-16",
  "clang-19": "clang-19",
  "ld.lld-14": "lld-14",
  "ld.lld-16": "lld-16",
  "ld.lld-19": "lld-19",
  "llvm-readelf-19": "llvm-19",
  // The .debug_line reader's oracle (test/unit/dwarf-line.test.ts).
  "llvm-dwarfdump-19": "llvm-19",
  "i686-linux-gnu-as": "binutils-i686-linux-gnu",
  "s390x-linux-gnu-as": "binutils-s390x-linux-gnu",
  // The s390x / riscv64 / ppc64 fixtures' final-link checks (and rebuilding them: test/fixtures/*/build.sh).
  "s390x-linux-gnu-ld": "binutils-s390x-linux-gnu",
  "s390x-linux-gnu-objcopy": "binutils-s390x-linux-gnu",
  "riscv64-linux-gnu-ld": "binutils-riscv64-linux-gnu",
  "riscv64-linux-gnu-objcopy": "binutils-riscv64-linux-gnu",
  "powerpc64le-linux-gnu-ld": "binutils-powerpc64le-linux-gnu",
  "powerpc64le-linux-gnu-objcopy": "binutils-powerpc64le-linux-gnu",
  "s390x-linux-gnu-gcc-12": "gcc-12-s390x-linux-gnu",
  "riscv64-linux-gnu-gcc-12": "gcc-12-riscv64-linux-gnu",
  "powerpc64le-linux-gnu-gcc-12": "gcc-12-powerpc64le-linux-gnu",
  // The kexec-tools per-architecture tests' final links (test/golden/kexec-tools-arch.test.ts) and
  // rebuilding their objects (test/fixtures/kexec-tools/build.sh).
  "aarch64-linux-gnu-ld": "binutils-aarch64-linux-gnu",
  "aarch64-linux-gnu-objcopy": "binutils-aarch64-linux-gnu",
  "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
  "s390x-linux-gnu-gcc": "gcc-s390x-linux-gnu",
  "powerpc64le-linux-gnu-gcc": "gcc-powerpc64le-linux-gnu",
  // kexec-tools itself, as the oracle for our model of it (kexec_load intercepted by strace).
  kexec: "kexec-tools",
  strace: "strace",
  // The s390/riscv example trees of the LSP tier are rebuilt by make after a quick fix.
  make: "make",
  chromium: "chromium",
  // The editors tier: real LSP clients we did not write run `purgatory-lens lsp --stdio`
  // (test/editors/). elpa-eglot brings eglot 1.9 to bookworm's Emacs 28; it ships no command, so it
  // is found by its own folder (see below).
  nvim: "neovim",
  emacs: "emacs-nox",
  "eglot (elpa-eglot)": "elpa-eglot",
  // The linker-script corpus (scripts/lds-corpus.mjs): the kernel tree whose kbuild-generated scripts
  // it makes (defconfig needs flex and bison; x86's prepare builds objtool, which needs libelf).
  "/usr/src/linux-source-6.1.tar.xz": "linux-source-6.1",
  flex: "flex",
  bison: "bison",
  "/usr/include/libelf.h": "libelf-dev",
};

/** Tools that are not a command on PATH: how to tell they are installed. */
const PRESENT = {
  "eglot (elpa-eglot)": () =>
    spawnSync("sh", ["-c", "ls -d /usr/share/emacs/site-lisp/elpa/eglot-*"], { stdio: "ignore" }).status ===
    0,
};

/** A command on PATH, or (for an absolute path) a file that exists. */
export function has(cmd) {
  if (cmd.startsWith("/")) return existsSync(cmd);
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

export function ensureTools(tools = TEST_TOOLS) {
  const missing = Object.entries(tools).filter(([cmd]) => !(PRESENT[cmd] ? PRESENT[cmd]() : has(cmd)));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  const command = `apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(" ")}`;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !has("apt-get")) {
    console.error(`missing tools: ${missing.map(([c]) => c).join(", ")}\nrun as root:\n  ${command}`);
    process.exit(1);
  }
  console.log(`installing ${pkgs.join(" ")} (missing: ${missing.map(([c]) => c).join(", ")})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const argv of [["update"], ["install", "-y", "--no-install-recommends", ...pkgs]]) {
    const r = spawnSync("apt-get", argv, { stdio: "inherit", env });
    if (r.status !== 0) {
      console.error(`apt-get ${argv.join(" ")} failed; run it by hand:\n  ${command}`);
      process.exit(1);
    }
  }
}
