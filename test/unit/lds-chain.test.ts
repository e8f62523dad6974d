// Long operator runs in linker-script expressions are kept flat (ast.ts's Chain): they must mean
// what the same run of Binary nodes means, for the evaluator, the walk and the position look-ups,
// and keep far less than a node per term. The expressions here are generated with their value
// computed alongside, by a reference written for this test (C's operators on 64-bit values).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import type * as A from "../../server/src/core/lds/ast";
import { CHAIN_MIN } from "../../server/src/core/lds/chain";
import { evaluate, type EvalContext } from "../../server/src/core/lds/evaluate";
import { definitionAt, nodeAt, visitNodes } from "../../server/src/core/lds/features";
import { lldIncompatibilities } from "../../server/src/core/lds/lld-compat";
import { parseScript } from "../../server/src/core/lds/parser";
import { Rng } from "../fuzz/rng";

const MASK = (1n << 64n) - 1n;
const SYMBOLS: Record<string, bigint> = { a: 3n, b: 0x1000n, big: MASK - 6n, zero: 0n };
const PRECEDENCE: Record<string, number> = {
  "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
  "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}; // prettier-ignore
// GNU ld's lexer has no `^` token in expressions: ld rejects it, so it is not generated.
const OPS = Object.keys(PRECEDENCE).filter((op) => op !== "^");

/** A generated expression: its text, its value (undefined where the evaluator gives none), its leaves. */
interface Gen {
  readonly text: string;
  readonly value: bigint | undefined;
  readonly leaves: string[];
}

function apply(op: string, l: bigint | undefined, r: bigint | undefined): bigint | undefined {
  if (op === "&&" && l === 0n) return 0n;
  if (op === "||" && l !== undefined && l !== 0n) return 1n;
  if (l === undefined || r === undefined) return undefined;
  const b = (x: boolean): bigint => (x ? 1n : 0n);
  switch (op) {
    case "+": return (l + r) & MASK;
    case "-": return (l - r) & MASK;
    case "*": return (l * r) & MASK;
    case "/": return r === 0n ? undefined : l / r;
    case "%": return r === 0n ? undefined : l % r;
    case "<<": return (l << (r & 63n)) & MASK;
    case ">>": return l >> (r & 63n);
    case "&": return l & r;
    case "^": return l ^ r;
    case "|": return l | r;
    case "&&": return b(l !== 0n && r !== 0n);
    case "||": return b(l !== 0n || r !== 0n);
  } // prettier-ignore
  const cmp = { "<": l < r, "<=": l <= r, ">": l > r, ">=": l >= r, "==": l === r, "!=": l !== r }[op];
  return b(cmp!);
}

function leaf(rng: Rng, dot: bigint): Gen {
  switch (rng.int(6)) {
    case 0: {
      const name = rng.pick(Object.keys(SYMBOLS));
      return { text: name, value: SYMBOLS[name], leaves: [name] };
    }
    case 1:
      return { text: ".", value: dot, leaves: ["."] };
    case 2: {
      const v = BigInt(rng.int(300));
      return { text: `0x${v.toString(16)}`, value: v, leaves: [`0x${v.toString(16)}`] };
    }
    case 3:
      return { text: "4K", value: 4096n, leaves: ["4K"] };
    default: {
      const v = BigInt(rng.int(20));
      return { text: String(v), value: v, leaves: [String(v)] };
    }
  }
}

/** A run of `count` operands of mixed operators, as written (precedence decides the grouping). */
function run(rng: Rng, count: number, depth: number, dot: bigint): Gen {
  const operand = (): Gen => {
    const r = rng.int(10);
    if (depth > 0 && r === 0) {
      const inner = run(rng, 1 + rng.int(CHAIN_MIN + 4), depth - 1, dot);
      return { ...inner, text: `(${inner.text})` };
    }
    if (depth > 0 && r === 1) {
      const inner = operand();
      return { text: `-${inner.text}`, value: inner.value === undefined ? undefined : -inner.value & MASK, leaves: inner.leaves }; // prettier-ignore
    }
    if (r === 2) {
      const inner = leaf(rng, dot);
      return { text: `MAX(${inner.text}, 7)`, value: inner.value === undefined ? undefined : inner.value > 7n ? inner.value : 7n, leaves: [...inner.leaves, "7"] }; // prettier-ignore
    }
    return leaf(rng, dot);
  };
  // Few distinct operators per run, so that long same-precedence runs (the chains) are common.
  const ops = [rng.pick(OPS), rng.pick(OPS), rng.pick(["+", "*", "|"])];
  const parts: Gen[] = [operand()];
  const between: string[] = [];
  for (let i = 1; i < count; i++) {
    between.push(rng.pick(ops));
    parts.push(operand());
  }
  // The value by precedence climbing over the generated parts: the reference grouping.
  let pos = 0;
  const climb = (minPrec: number): bigint | undefined => {
    let l = parts[pos++]!.value;
    while (pos < parts.length && PRECEDENCE[between[pos - 1]!]! >= minPrec) {
      const op = between[pos - 1]!;
      l = apply(op, l, climb(PRECEDENCE[op]! + 1));
    }
    return l;
  };
  const value = climb(1);
  const text = parts.map((p, i) => (i === 0 ? p.text : ` ${between[i - 1]} ${p.text}`)).join("");
  return { text, value, leaves: parts.flatMap((p) => p.leaves) };
}

function context(dot: bigint): EvalContext {
  return { dot, symbol: (n) => SYMBOLS[n], defined: (n) => n in SYMBOLS, section: () => undefined };
}

function assignmentExpr(script: A.Script): A.Expr {
  const st = script.statements[0];
  assert.equal(st?.kind, "Assignment");
  return (st as A.Assignment).expr;
}

function leavesOf(script: A.Script): string[] {
  const out: string[] = [];
  visitNodes(script, true, (n) => {
    if (n.kind === "Symbol") out.push(n.name);
    else if (n.kind === "Number") out.push(n.text);
    else if (n.kind === "Dot") out.push(".");
  });
  return out;
}

function countKinds(e: A.Expr, kinds: Set<string>): void {
  kinds.add(e.kind);
  if (e.kind === "Binary") {
    countKinds(e.left, kinds);
    countKinds(e.right, kinds);
  } else if (e.kind === "Chain") for (let i = 0; i < e.count; i++) countKinds(e.operand(i), kinds);
  else if (e.kind === "Unary") countKinds(e.operand, kinds);
}

describe("linker-script operator runs", () => {
  it("short and long runs evaluate as C groups them, and walk their operands in text order", () => {
    const rng = new Rng(20261127);
    const kinds = new Set<string>();
    for (let k = 0; k < 400; k++) {
      const dot = BigInt(rng.int(1 << 20));
      const g = run(rng, 1 + rng.int(3 * CHAIN_MIN), 2, dot);
      const text = `v = ${g.text};`;
      const script = parseScript(text);
      assert.deepEqual(script.errors, [], text);
      const e = assignmentExpr(script);
      countKinds(e, kinds);
      assert.equal(evaluate(e, context(dot)), g.value, text);
      assert.deepEqual(leavesOf(script), g.leaves, text);
      assert.equal(e.range.end, text.length - 1, text);
    }
    // Both forms were exercised.
    assert.ok(kinds.has("Chain") && kinds.has("Binary"), [...kinds].join(" "));
  });

  it("an operand deep in a long run is found by offset, and its definition", () => {
    const terms = Array.from({ length: 5000 }, (_, i) => (i === 3210 ? "target" : i % 2 ? "a" : "0x10"));
    const text = `target = 5;\nv = ${terms.join(" + ")};\n`;
    const script = parseScript(text);
    assert.equal(assignmentExpr({ ...script, statements: script.statements.slice(1) }).kind, "Chain");
    const at = text.indexOf("target", 12) + 2;
    const n = nodeAt(script, at);
    assert.equal(n?.kind, "Symbol");
    assert.equal((n as A.SymbolRef).name, "target");
    assert.equal(n.range.start, text.indexOf("target", 12));
    assert.deepEqual(
      definitionAt(script, at).map((r) => r.start),
      [0],
    );
    // On an operator between two operands: the run itself.
    assert.equal(nodeAt(script, text.indexOf(" + ", 20) + 1)?.kind, "Chain");
  });

  it("an invalid number inside a long run is reported where it is", () => {
    const terms = Array.from({ length: 100 }, (_, i) => (i === 60 ? "0xg" : "1"));
    const text = `v = ${terms.join(" * ")};\n`;
    const script = parseScript(text, { tolerant: true });
    assert.deepEqual(
      script.errors.map((e) => [e.message, e.range.start]),
      [["invalid number `0xg'", text.indexOf("0xg")]],
    );
    // Its node reads 0, as a lone invalid number does.
    assert.equal(evaluate(assignmentExpr(script), context(0n)), 0n);
  });

  it("numbers past 2^53 in a long run keep their exact value", () => {
    const terms = Array.from({ length: 40 }, (_, i) => (i === 7 ? "0xfffffffffffffff1" : "0"));
    const script = parseScript(`v = ${terms.join(" | ")};`);
    const e = assignmentExpr(script);
    assert.equal(e.kind, "Chain");
    assert.equal(evaluate(e, context(0n)), 0xfffffffffffffff1n);
    assert.equal((e as A.Chain).numberAt(7), 0xfffffffffffffff1n);
  });

  it("ld.lld's malformed numbers inside a long run are found, each where it is", () => {
    const terms = Array.from({ length: 300 }, (_, i) => (i === 100 || i === 250 ? "0x10K" : "1"));
    const text = `v = ${terms.join(" + ")};\n`;
    const found = lldIncompatibilities(parseScript(text));
    const first = text.indexOf("0x10K");
    assert.deepEqual(
      found.map((f) => [f.range.start, f.rejects]),
      [
        [first, true],
        [text.indexOf("0x10K", first + 1), true],
      ],
    );
    assert.match(found[0]!.message, /malformed number/);
  });

  it("a 100,000-term run keeps a few bytes a term, not nodes", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const text = `v = ${"x*".repeat(100_000)}x;\n`;
    // Typed arrays keep their contents outside the heap.
    const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    gc();
    const before = used();
    const script = parseScript(text);
    // Twice: a buffer the first collection finds dead is released by the next.
    gc();
    gc();
    const kept = used() - before;
    assert.equal(assignmentExpr(script).kind, "Chain");
    // Four typed-array entries a term (10 bytes); as Binary nodes it was some 250 bytes.
    assert.ok(kept / 100_000 < 24, `${(kept / 100_000).toFixed(1)} bytes a term`);
  });
});
