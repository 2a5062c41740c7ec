// einsum.ts — `einsum(equation, ...operands)`, as `torch.einsum`, reduced to ops that every device
// already has (diagonal, sum, expand, permute, reshape, matmul), so that it runs on the CPU and the
// GPU alike and its gradient is autograd's through those ops.
//
// Plan: parse the subscripts (letters, one '...' per operand, implicit output = the letters that
// occur once, in alphabetical order, after the '...' dims); per operand, take diagonals for
// repeated letters and sum out letters that no other operand and not the output use; then contract
// left to right: each pair becomes one batched matmul [batch, left, k] x [batch, k, right], where
// batch = letters both share and still need, k = letters both share and no later term needs.
// Finally sum what the output does not name and permute to its order. Size-1 dims broadcast.
import { describeArg } from '../arity';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { scope, Tensor } from '../tensor';
import { traced, traceState } from '../trace';
import { matmul } from './matmul';
import { sum } from './reduce';
import { diagonal, expand, permute, reshape } from './views';

/** A label: a letter's char code, or ELLIPSIS + k for the k-th (right-aligned) dim of '...'. */
type Label = number;
const ELLIPSIS = 1000;

interface Term { labels: Label[]; hasEllipsis: boolean }

function parseTerm(term: string, what: string, equation: string): { letters: string[]; ellipsisAt: number } {
  let ellipsisAt = -1;
  const letters: string[] = [];
  for (let i = 0; i < term.length;) {
    if (term.startsWith('...', i)) {
      if (ellipsisAt >= 0) throw new ValueError(`einsum: ${what} '${term}' of '${equation}' has more than one '...'`);
      ellipsisAt = letters.length;
      i += 3;
      continue;
    }
    const c = term[i];
    if (!/[a-zA-Z]/.test(c)) throw new ValueError(`einsum: invalid subscript '${c}' in ${what} '${term}' of '${equation}' (subscripts are letters a-z, A-Z and '...')`);
    letters.push(c);
    i++;
  }
  return { letters, ellipsisAt };
}

function labelName(l: Label): string { return l >= ELLIPSIS ? '...' : String.fromCharCode(l); }

/**
 * Sums products of the operands' elements over the letters the output leaves out, as
 * `torch.einsum`: `'ij,jk->ik'` is a matrix product, `'ii->i'` a diagonal, `'bij,bjk->bik'` a
 * batched product, `'...ij->...ji'` a transpose of the last two dims. Without `->` the output is
 * the letters that occur once, in alphabetical order. Operands may be passed as arguments or as
 * one array. Differentiable.
 *
 * ```ts
 * fl.einsum('ij,jk->ik', a, b);          // a.matmul(b)
 * fl.einsum('i,i->', u, v);              // dot product
 * fl.einsum('bhqd,bhkd->bhqk', q, k);    // attention scores
 * ```
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  if (typeof equation !== 'string') throw new ValueError(`einsum: equation must be a string, got ${describeArg(equation)}`);
  const ops: Tensor[] = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as Tensor[]).slice() : (operands as Tensor[]);
  ops.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`einsum: operand ${String(i)} must be a Tensor, got ${describeArg(t)}`);
    t._handleFor('einsum');
  });
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const rhs = arrow >= 0 ? eq.slice(arrow + 2) : null;
  if (rhs !== null && rhs.includes('->')) throw new ValueError(`einsum: '${equation}' has more than one '->'`);
  const termStrs = lhs.split(',');
  if (termStrs.length !== ops.length) {
    throw new ValueError(`einsum: '${equation}' names ${String(termStrs.length)} operand(s) but ${String(ops.length)} were given`);
  }
  if (ops.length === 0) throw new ValueError('einsum: expected at least one operand');
  for (const t of ops) {
    if (t.device !== ops[0].device) throw new ValueError(`einsum: operands must be on one device, got ${ops[0].device} and ${t.device}`);
  }
  // ---- labels of each operand, with '...' as right-aligned numbered dims
  const parsed = termStrs.map((s, i) => parseTerm(s, `operand ${String(i)}`, equation));
  const ellDims = parsed.map((p, i) => {
    const t = ops[i];
    const e = t.ndim - p.letters.length;
    if ((p.ellipsisAt < 0 && e !== 0) || e < 0) {
      throw new ShapeError(`einsum: operand ${String(i)} has ${String(t.ndim)} dims (shape [${t._shape.join(', ')}]) but its subscripts '${termStrs[i]}' name ${String(p.letters.length)}`);
    }
    return p.ellipsisAt < 0 ? 0 : e;
  });
  const E = Math.max(0, ...ellDims);
  const terms: Term[] = parsed.map((p, i) => {
    const labels = p.letters.map((c) => c.charCodeAt(0));
    if (p.ellipsisAt >= 0) labels.splice(p.ellipsisAt, 0, ...Array.from({ length: ellDims[i] }, (_, k) => ELLIPSIS + E - ellDims[i] + k));
    return { labels, hasEllipsis: p.ellipsisAt >= 0 };
  });
  // ---- sizes (a size-1 dim broadcasts against a larger one)
  const size = new Map<Label, number>();
  // a letter repeated in one operand takes its diagonal: its sizes there must be equal (no broadcasting)
  terms.forEach((term, i) => term.labels.forEach((l, d) => {
    const first = term.labels.indexOf(l);
    if (first !== d && ops[i]._shape[first] !== ops[i]._shape[d]) {
      throw new ShapeError(`einsum: subscript '${labelName(l)}' is repeated in operand ${String(i)} (shape [${ops[i]._shape.join(', ')}]) with sizes ${String(ops[i]._shape[first])} and ${String(ops[i]._shape[d])} ('${equation}')`);
    }
  }));
  terms.forEach((term, i) => term.labels.forEach((l, d) => {
    const n = ops[i]._shape[d], have = size.get(l);
    if (have === undefined || have === 1) size.set(l, n);
    else if (n !== have && n !== 1) {
      throw new ShapeError(`einsum: subscript '${labelName(l)}' has size ${String(have)} in one operand and ${String(n)} in operand ${String(i)} ('${equation}')`);
    }
  }));
  // ---- output labels
  let out: Label[];
  if (rhs === null) {
    const count = new Map<Label, number>();
    for (const term of terms) for (const l of term.labels) count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count.keys()].filter((l) => l < ELLIPSIS && count.get(l) === 1).sort((a, b) => a - b);
    out = [...Array.from({ length: E }, (_, k) => ELLIPSIS + k), ...once];
  } else {
    const p = parseTerm(rhs, 'output', equation);
    out = p.letters.map((c) => c.charCodeAt(0));
    if (p.ellipsisAt >= 0) out.splice(p.ellipsisAt, 0, ...Array.from({ length: E }, (_, k) => ELLIPSIS + k));
    for (const l of out) {
      if (l < ELLIPSIS && !size.has(l)) throw new ValueError(`einsum: output subscript '${labelName(l)}' of '${equation}' appears in no operand`);
    }
    if (new Set(out).size !== out.length) throw new ValueError(`einsum: output subscripts of '${equation}' repeat a letter`);
  }
  for (const t of ops) {
    if (t.dtype !== ops[0].dtype) throw new DTypeError(`einsum: operands must have one dtype, got ${ops[0].dtype} and ${t.dtype} (cast with .to())`);
  }
  const res = scope(() => contract(ops, terms, out, size));
  // ONNX: one Einsum over lowercase letters (the ellipsis dims named), size-1 dims expanded first
  return traceState.tracer === null ? res : traced('einsum', ops, res, (g, vs) => {
    const letters = new Map<Label, string>();
    const letter = (l: Label): string => {
      let c = letters.get(l);
      if (c === undefined) {
        if (letters.size >= 26) g.unsupported('einsum', 'more than 26 distinct subscripts');
        c = String.fromCharCode(97 + letters.size);
        letters.set(l, c);
      }
      return c;
    };
    const names = vs.map((v, i) => {
      const want = terms[i].labels.map((l) => size.get(l)!);
      return want.every((n, d) => n === ops[i]._shape[d]) ? v.name : g.op('Expand', [v.name, g.sizes(want)]);
    });
    const equation = `${terms.map((t) => t.labels.map(letter).join('')).join(',')}->${out.map(letter).join('')}`;
    return g.op('Einsum', names, { equation });
  });
}

/** The labels that terms[from..] and the output still use. */
function usedLater(terms: readonly { labels: Label[] }[], from: number, out: readonly Label[]): Set<Label> {
  const s = new Set<Label>(out);
  for (let i = from; i < terms.length; i++) for (const l of terms[i].labels) s.add(l);
  return s;
}

/** Diagonals for repeated labels, and sums over labels nothing else uses. */
function prepare(t: Tensor, labels: Label[], others: Set<Label>): { t: Tensor; labels: Label[] } {
  let cur = t, ls = labels.slice();
  for (;;) {
    const d = ls.findIndex((l, i) => ls.indexOf(l) !== i);
    if (d < 0) break;
    const first = ls.indexOf(ls[d]);
    cur = diagonal(cur, 0, first, d);   // removes both dims, appends the diagonal
    const l = ls[d];
    ls = ls.filter((_, i) => i !== first && i !== d);
    ls.push(l);
  }
  const drop = ls.map((l, i) => (others.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length) {
    cur = sum(cur, drop);
    ls = ls.filter((_, i) => !drop.includes(i));
  }
  return { t: cur, labels: ls };
}

/** x with its dims broadcast to the joint sizes (only size-1 dims change). */
function broadcastLabels(x: Tensor, labels: readonly Label[], size: Map<Label, number>): Tensor {
  const want = labels.map((l) => size.get(l)!);
  return want.every((n, i) => n === x._shape[i]) ? x : expand(x, want);
}

function contract(ops: Tensor[], terms: Term[], out: Label[], size: Map<Label, number>): Tensor {
  const prepared = ops.map((t, i) => {
    const others = usedLater(terms.filter((_, j) => j !== i), 0, out);
    return prepare(t, terms[i].labels, others);
  });
  let acc = prepared[0];
  for (let i = 1; i < prepared.length; i++) {
    const b = prepared[i];
    const later = usedLater(prepared, i + 1, out);
    const inB = new Set(b.labels), inA = new Set(acc.labels);
    const batch = acc.labels.filter((l) => inB.has(l) && later.has(l));
    const k = acc.labels.filter((l) => inB.has(l) && !later.has(l));
    const left = acc.labels.filter((l) => !inB.has(l));
    const right = b.labels.filter((l) => !inA.has(l));
    const n = (ls: Label[]): number => ls.reduce((p, l) => p * size.get(l)!, 1);
    const A = broadcastLabels(acc.t, acc.labels, size), B = broadcastLabels(b.t, b.labels, size);
    const a3 = reshape(permute(A, [...batch, ...left, ...k].map((l) => acc.labels.indexOf(l))), [n(batch), n(left), n(k)]);
    const b3 = reshape(permute(B, [...batch, ...k, ...right].map((l) => b.labels.indexOf(l))), [n(batch), n(k), n(right)]);
    const prod = matmul(a3, b3);
    const labels = [...batch, ...left, ...right];
    acc = { t: reshape(prod, labels.map((l) => size.get(l)!)), labels };
  }
  // what the output does not name (a single operand's labels that it shares with nobody were summed in prepare)
  const outSet = new Set(out);
  const drop = acc.labels.map((l, i) => (outSet.has(l) ? -1 : i)).filter((i) => i >= 0);
  let t = acc.t, labels = acc.labels;
  if (drop.length) { t = sum(t, drop); labels = labels.filter((_, i) => !drop.includes(i)); }
  // output labels of size-1 broadcast dims that a contraction kept at size 1
  t = broadcastLabels(t, labels, size);
  return permute(t, out.map((l) => labels.indexOf(l)));
}
