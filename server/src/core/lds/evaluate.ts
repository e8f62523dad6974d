// Expression evaluation over a simulated layout, for ASSERTs, symbol values and the location
// counter. Values are unsigned 64-bit like GNU ld's bfd_vma; a value that cannot be known (an
// undefined symbol, a section the layout does not have) is `undefined` and propagates, so callers
// only report what they can prove.
import type { Binary, BinaryOp, Chain, Expr, Name } from "./ast";

const MASK = (1n << 64n) - 1n;

export interface EvalContext {
  /** The location counter's absolute value, if `.` may be used here. */
  readonly dot?: bigint;
  symbol(name: string): bigint | undefined;
  /** Whether the symbol is defined (by the script so far or by an input object). */
  defined(name: string): boolean;
  section(
    name: string,
  ): { readonly address: bigint; readonly size: bigint; readonly align: bigint } | undefined;
  region?(name: string): { readonly origin: bigint; readonly length: bigint } | undefined;
  /** CONSTANT(MAXPAGESIZE) and CONSTANT(COMMONPAGESIZE); x86-64 defaults if absent. */
  readonly maxPageSize?: bigint;
  readonly commonPageSize?: bigint;
}

const alignUp = (v: bigint, a: bigint): bigint => (a <= 1n ? v : (v + a - 1n) & ~(a - 1n) & MASK);

function nameOf(e: Expr | Name | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === "Name") return e.value;
  if (e.kind === "Symbol") return e.name;
  return undefined;
}

export function evaluate(e: Expr, ctx: EvalContext): bigint | undefined {
  const ev = (x: Expr | Name | undefined): bigint | undefined =>
    x && x.kind !== "Name" ? evaluate(x, ctx) : undefined;
  switch (e.kind) {
    case "Number":
      return e.value & MASK;
    case "String":
      return undefined;
    case "Dot":
      return ctx.dot;
    case "Symbol":
      return ctx.symbol(e.name);
    case "Unary": {
      const v = evaluate(e.operand, ctx);
      if (v === undefined) return undefined;
      if (e.op === "-") return -v & MASK;
      if (e.op === "~") return ~v & MASK;
      if (e.op === "!") return v === 0n ? 1n : 0n;
      return v;
    }
    case "Ternary": {
      const c = evaluate(e.cond, ctx);
      if (c === undefined) return undefined;
      return evaluate(c !== 0n ? e.then : e.else, ctx);
    }
    case "Binary":
      return evaluateChain(e, ctx);
    case "Chain":
      return evaluateFlat(e, ctx);
    case "Call": {
      const a0 = e.args[0];
      const a1 = e.args[1];
      switch (e.name) {
        case "ADDR":
        case "LOADADDR": {
          const n = nameOf(a0);
          return n === undefined ? undefined : ctx.section(n)?.address;
        }
        case "SIZEOF": {
          const n = nameOf(a0);
          return n === undefined ? undefined : ctx.section(n)?.size;
        }
        case "ALIGNOF": {
          const n = nameOf(a0);
          return n === undefined ? undefined : ctx.section(n)?.align;
        }
        case "DEFINED": {
          const n = nameOf(a0);
          return n === undefined ? undefined : ctx.defined(n) ? 1n : 0n;
        }
        case "ALIGN":
        case "BLOCK": {
          if (a1 !== undefined) {
            const v = ev(a0);
            const al = ev(a1);
            return v === undefined || al === undefined ? undefined : alignUp(v, al);
          }
          const al = ev(a0);
          return ctx.dot === undefined || al === undefined ? undefined : alignUp(ctx.dot, al);
        }
        case "NEXT": {
          const al = ev(a0);
          return ctx.dot === undefined || al === undefined ? undefined : alignUp(ctx.dot, al);
        }
        case "MAX":
        case "MIN": {
          const l = ev(a0);
          const r = ev(a1);
          if (l === undefined || r === undefined) return undefined;
          return (e.name === "MAX") === l > r ? l : r;
        }
        case "ABSOLUTE":
          return ev(a0);
        case "LOG2CEIL": {
          const v = ev(a0);
          if (v === undefined) return undefined;
          let n = 0n;
          while (1n << n < v) n++;
          return n;
        }
        case "CONSTANT": {
          const n = nameOf(a0);
          if (n === "MAXPAGESIZE") return ctx.maxPageSize ?? 0x1000n;
          if (n === "COMMONPAGESIZE") return ctx.commonPageSize ?? 0x1000n;
          return undefined;
        }
        case "ORIGIN":
        case "LENGTH": {
          const n = nameOf(a0);
          const r = n === undefined ? undefined : ctx.region?.(n);
          return r ? (e.name === "ORIGIN" ? r.origin : r.length) : undefined;
        }
        case "SEGMENT_START":
          return ev(a1);
        case "DATA_SEGMENT_ALIGN": {
          // Without relro the result is ALIGN(maxpagesize) + (. & (maxpagesize - 1)), per the manual.
          const max = ev(a0);
          if (max === undefined || ctx.dot === undefined) return undefined;
          return (alignUp(ctx.dot, max) + (ctx.dot & (max - 1n))) & MASK;
        }
        case "DATA_SEGMENT_END":
        case "DATA_SEGMENT_RELRO_END":
          return e.name === "DATA_SEGMENT_END" ? ev(a0) : ctx.dot;
      }
      return undefined;
    }
  }
}

/**
 * A binary expression. `a + b + c + ...` parses left-deep, as long as the script makes it, so the left
 * spine is walked in a loop (the right operands and other nesting are bounded by the parser).
 */
function evaluateChain(top: Binary, ctx: EvalContext): bigint | undefined {
  const spine: Binary[] = [];
  let e: Expr = top;
  while (e.kind === "Binary") {
    spine.push(e);
    e = e.left;
  }
  let l = evaluate(e, ctx);
  for (let i = spine.length - 1; i >= 0; i--) l = binaryOp(spine[i]!.op, l, spine[i]!.right, ctx);
  return l;
}

/** A Chain, operand by operand: symbols, numbers and `.` are read without making their nodes. */
function evaluateFlat(e: Chain, ctx: EvalContext): bigint | undefined {
  const value = (i: number): bigint | undefined => {
    switch (e.operandKind(i)) {
      case "Number":
        return e.numberAt(i) & MASK;
      case "Symbol":
        return ctx.symbol(e.textAt(i));
      case "Dot":
        return ctx.dot;
      default:
        return evaluate(e.operand(i), ctx);
    }
  };
  let l = value(0);
  for (let i = 1; i < e.count; i++) {
    const op = e.op(i);
    const short = shortCircuit(op, l);
    l = short !== undefined ? short : applyOp(op, l, value(i));
  }
  return l;
}

/** && and || short-circuit like C, so `DEFINED(x) && x > 4` is fine when x is undefined. */
function shortCircuit(op: BinaryOp, l: bigint | undefined): bigint | undefined {
  if (op === "&&" && l === 0n) return 0n;
  if (op === "||" && l !== undefined && l !== 0n) return 1n;
  return undefined;
}

function binaryOp(op: BinaryOp, l: bigint | undefined, right: Expr, ctx: EvalContext): bigint | undefined {
  const short = shortCircuit(op, l);
  return short !== undefined ? short : applyOp(op, l, evaluate(right, ctx));
}

function applyOp(op: BinaryOp, l: bigint | undefined, r: bigint | undefined): bigint | undefined {
  if (l === undefined || r === undefined) return undefined;
  switch (op) {
    case "+": return (l + r) & MASK;
    case "-": return (l - r) & MASK;
    case "*": return (l * r) & MASK;
    case "/": return r === 0n ? undefined : l / r;
    case "%": return r === 0n ? undefined : l % r;
    case "<<": return (l << (r & 63n)) & MASK;
    case ">>": return l >> (r & 63n);
    case "<": return l < r ? 1n : 0n;
    case "<=": return l <= r ? 1n : 0n;
    case ">": return l > r ? 1n : 0n;
    case ">=": return l >= r ? 1n : 0n;
    case "==": return l === r ? 1n : 0n;
    case "!=": return l !== r ? 1n : 0n;
    case "&": return l & r;
    case "^": return l ^ r;
    case "|": return l | r;
    case "&&": return l !== 0n && r !== 0n ? 1n : 0n;
    case "||": return l !== 0n || r !== 0n ? 1n : 0n;
  } // prettier-ignore
  return undefined;
}

/** SIZEOF_HEADERS is a symbol-like builtin without parentheses. */
export const BUILTIN_SYMBOLS = new Set(["SIZEOF_HEADERS", "sizeof_headers"]);
