// Runs of operands joined by operators of one precedence, as the expression parser collects them:
// short runs become the Binary nodes the grammar describes, long ones one flat Chain (ast.ts says
// why). Both read the same: the Binary nodes of a run are made here from the same offsets the Chain
// keeps, so a run means the same thing whichever form it takes.
import type * as A from "./ast";
import { parseNumber } from "./number";

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
 * One run being read. Per operand: its kind, where its own range starts, and where the text read for
 * it ends (past a closing parenthesis, which the operand's own range leaves out: a Binary node's
 * range runs to there, as the parser's `range()` makes it).
 */
export class RunBuilder {
  count = 0;
  // Grown by doubling: a run may be a hundred thousand operands, most runs are two.
  private kinds = new Uint8Array(4);
  private ops = new Uint8Array(4);
  private starts = new Int32Array(4);
  private ends = new Int32Array(4);
  private nodes: Map<number, A.Expr> | undefined;
  /**
   * Number operands' values as the parser read them (reading them again costs a regexp each), as
   * doubles: NaN where none is exact (read again then) or the operand is no number. Made with the
   * first number.
   */
  private numbers: Float64Array | undefined;

  constructor(
    private readonly text: string,
    private readonly rangeOf: RangeOf,
  ) {}

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
    const operand = (i: number): A.Expr =>
      makeOperand(
        this.text,
        this.rangeOf,
        this.kinds[i]!,
        this.starts[i]!,
        this.ends[i]!,
        this.nodes,
        this.numbers,
        i,
      );
    if (n < CHAIN_MIN) {
      let left = operand(0);
      const start = this.starts[0]!;
      for (let i = 1; i < n; i++)
        left = {
          kind: "Binary",
          op: BINARY_OPS[this.ops[i]!]!,
          left,
          right: operand(i),
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

function makeOperand(
  text: string,
  rangeOf: RangeOf,
  kind: number,
  start: number,
  end: number,
  nodes: Map<number, A.Expr> | undefined,
  numbers: Float64Array | undefined,
  index: number,
): A.Expr {
  switch (kind) {
    case OperandKind.Symbol:
      return { kind: "Symbol", name: text.slice(start, end), range: rangeOf(start, end) };
    case OperandKind.Number: {
      const t = text.slice(start, end);
      return { kind: "Number", value: numberOf(t, numbers, index), text: t, range: rangeOf(start, end) };
    }
    case OperandKind.Dot:
      return { kind: "Dot", range: rangeOf(start, end) };
  }
  return nodes!.get(index)!;
}

/** A Number operand's value: the parser's, or 0 for an invalid number (as the parser's node reads). */
function numberOf(text: string, numbers: Float64Array | undefined, index: number): bigint {
  const d = numbers === undefined ? NaN : numbers[index]!;
  return d === d ? BigInt(d) : (parseNumber(text) ?? 0n);
}

/** Numbers up to this are exact as doubles. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

const KIND_NAMES = ["Node", "Symbol", "Number", "Dot"] as const;

class OperandChain implements A.Chain {
  readonly kind = "Chain";
  readonly range: A.Range;

  constructor(
    private readonly text: string,
    private readonly rangeOf: RangeOf,
    private readonly kinds: Uint8Array,
    private readonly ops: Uint8Array,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly nodes: Map<number, A.Expr> | undefined,
    private readonly numbers: Float64Array | undefined,
  ) {
    this.range = rangeOf(starts[0]!, ends[ends.length - 1]!);
  }

  operandKind(i: number): "Symbol" | "Number" | "Dot" | "Node" {
    return KIND_NAMES[this.kinds[i]!]!;
  }

  numberAt(i: number): bigint {
    return numberOf(this.text.slice(this.starts[i]!, this.ends[i]!), this.numbers, i);
  }

  textAt(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  get count(): number {
    return this.kinds.length;
  }

  operand(i: number): A.Expr {
    return makeOperand(
      this.text,
      this.rangeOf,
      this.kinds[i]!,
      this.starts[i]!,
      this.ends[i]!,
      this.nodes,
      this.numbers,
      i,
    );
  }

  op(i: number): A.BinaryOp {
    return BINARY_OPS[this.ops[i]!]!;
  }

  operandsAt(offset: number): A.Expr[] {
    // The last operand starting at or before `offset`, and the one before it.
    let lo = 0;
    let hi = this.starts.length - 1;
    if (this.starts[0]! > offset) return [];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
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
