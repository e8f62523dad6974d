// Runs of operands joined by operators of one precedence, as the expression parser collects them:
// short runs become the Binary nodes the grammar describes, long ones one flat Chain (ast.ts says
// why). Both read the same: the Binary nodes of a run are made here from the same offsets the Chain
// keeps, so a run means the same thing whichever form it takes.
import type * as A from "./ast";
import { parseNumber } from "./number";
import { lastAtOrBefore } from "../lines";

/** Runs of at least this many operands are kept flat. */
export const CHAIN_MIN = 16;

/** What an operand is: a node the parser made, or a token kept as its offsets. */
export const OperandKind = { Node: 0, Symbol: 1, Number: 2, Dot: 3 } as const;
export type OperandKind = (typeof OperandKind)[keyof typeof OperandKind];

const BINARY_OPS: readonly A.BinaryOp[] = [
  "*", "/", "%", "+", "-", "<<", ">>", "<", "<=", ">", ">=", "==", "!=", "&", "^", "|", "&&", "||",
]; // prettier-ignore
const OP_CODE = new Map<string, number>(BINARY_OPS.map((op, i) => [op, i]));

type RangeOf = (start: number, end: number) => A.Range;

/**
 * Operands kept as offsets, what a run being read and a finished Chain share. Per operand: its kind,
 * where its own range starts, and where the text read for it ends (past a closing parenthesis,
 * which the operand's own range leaves out: a Binary node's range runs to there, as the parser's
 * `range()` makes it).
 */
abstract class Operands {
  constructor(
    protected readonly text: string,
    protected readonly rangeOf: RangeOf,
    protected kinds: Uint8Array,
    protected ops: Uint8Array,
    protected starts: Int32Array,
    protected ends: Int32Array,
    protected nodes: Map<number, A.Expr> | undefined,
    /**
     * Number operands' values as the parser read them (reading them again costs a regexp each),
     * as doubles: NaN where none is exact (read again then) or the operand is no number.
     */
    protected numbers: Float64Array | undefined,
  ) {}

  /** The i-th operand: a new node each call for a symbol, number or `.`. */
  operand(i: number): A.Expr {
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    switch (this.kinds[i]) {
      case OperandKind.Symbol:
        return { kind: "Symbol", name: this.text.slice(start, end), range: this.rangeOf(start, end) };
      case OperandKind.Number:
        return {
          kind: "Number",
          value: this.numberAt(i),
          text: this.textAt(i),
          range: this.rangeOf(start, end),
        };
      case OperandKind.Dot:
        return { kind: "Dot", range: this.rangeOf(start, end) };
    }
    return this.nodes!.get(i)!;
  }

  /** A Number operand's value: the parser's, or 0 for an invalid number (as the parser's node reads). */
  numberAt(i: number): bigint {
    const d = this.numbers === undefined ? NaN : this.numbers[i]!;
    return d === d ? BigInt(d) : (parseNumber(this.textAt(i)) ?? 0n);
  }

  textAt(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }
}

/** One run being read. */
export class RunBuilder extends Operands {
  count = 0;

  constructor(text: string, rangeOf: RangeOf) {
    // Grown by doubling: a run may be a hundred thousand operands, most runs are two. The number
    // values are made with the first number.
    super(
      text,
      rangeOf,
      new Uint8Array(4),
      new Uint8Array(4),
      new Int32Array(4),
      new Int32Array(4),
      undefined,
      undefined,
    );
  }

  /**
   * A token operand (symbol, number, `.`) from `start` to `end`; `op` joins it to the one before;
   * `value` is a number's.
   */
  addToken(op: string | undefined, kind: OperandKind, start: number, end: number, value?: bigint): void {
    const i = this.count++;
    if (i === this.kinds.length) this.grow();
    if (op !== undefined) this.ops[i] = OP_CODE.get(op)!;
    this.kinds[i] = kind;
    this.starts[i] = start;
    this.ends[i] = end;
    if (value !== undefined) {
      this.numbers ??= new Float64Array(this.kinds.length).fill(NaN);
      this.numbers[i] = value <= MAX_EXACT ? Number(value) : NaN;
    }
  }

  /** An operand the parser made a node for; the text read for it ends at `end`. */
  addNode(op: string | undefined, node: A.Expr, end: number): void {
    (this.nodes ??= new Map()).set(this.count, node);
    this.addToken(op, OperandKind.Node, node.range.start, end);
  }

  private grow(): void {
    const n = this.kinds.length * 2;
    const wider = <T extends Uint8Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.kinds = wider(this.kinds, (k) => new Uint8Array(k));
    this.ops = wider(this.ops, (k) => new Uint8Array(k));
    this.starts = wider(this.starts, (k) => new Int32Array(k));
    this.ends = wider(this.ends, (k) => new Int32Array(k));
    if (this.numbers) this.numbers = wider(this.numbers, (k) => new Float64Array(k).fill(NaN));
  }

  /** The run as one expression: its only operand, its Binary nodes, or a Chain. */
  finish(): A.Expr {
    const n = this.count;
    if (n < CHAIN_MIN) {
      let left = this.operand(0);
      const start = this.starts[0]!;
      for (let i = 1; i < n; i++)
        left = {
          kind: "Binary",
          op: BINARY_OPS[this.ops[i]!]!,
          left,
          right: this.operand(i),
          range: this.rangeOf(start, Math.max(start, this.ends[i]!)),
        };
      return left;
    }
    return new OperandChain(
      this.text,
      this.rangeOf,
      this.kinds.slice(0, n),
      this.ops.slice(0, n),
      this.starts.slice(0, n),
      this.ends.slice(0, n),
      this.nodes,
      this.numbers?.slice(0, n),
    );
  }
}

/** Numbers up to this are exact as doubles. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

const KIND_NAMES = ["Node", "Symbol", "Number", "Dot"] as const;

class OperandChain extends Operands implements A.Chain {
  readonly kind = "Chain";
  readonly range: A.Range;

  constructor(
    text: string,
    rangeOf: RangeOf,
    kinds: Uint8Array,
    ops: Uint8Array,
    starts: Int32Array,
    ends: Int32Array,
    nodes: Map<number, A.Expr> | undefined,
    numbers: Float64Array | undefined,
  ) {
    super(text, rangeOf, kinds, ops, starts, ends, nodes, numbers);
    this.range = rangeOf(starts[0]!, ends[ends.length - 1]!);
  }

  operandKind(i: number): "Symbol" | "Number" | "Dot" | "Node" {
    return KIND_NAMES[this.kinds[i]!]!;
  }

  get count(): number {
    return this.kinds.length;
  }

  op(i: number): A.BinaryOp {
    return BINARY_OPS[this.ops[i]!]!;
  }

  operandsAt(offset: number): A.Expr[] {
    // The last operand starting at or before `offset`, and the one before it.
    if (this.starts[0]! > offset) return [];
    const lo = lastAtOrBefore(this.starts, offset);
    const out: A.Expr[] = [];
    for (const i of lo > 0 ? [lo - 1, lo] : [lo]) {
      const e = this.operand(i);
      if (e.range.start <= offset && offset <= e.range.end) out.push(e);
    }
    return out;
  }

  /** Not the text the chain keeps: what it is, for logs and test failures. */
  toJSON(): object {
    return { kind: this.kind, count: this.count, range: this.range };
  }
}
