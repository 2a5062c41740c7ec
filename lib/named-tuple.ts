// named-tuple.ts — PyTorch's named tuples for ops that return several tensors (sort's values and
// indices, linalg's factorizations). Not re-exported by the public API.
/**
 * PyTorch's named tuples (`torch.return_types.*`): a frozen array of the values, so that it
 * destructures and scopes keep its tensors, with each value also under its name as a non-enumerable
 * read-only field (the tuple prints and compares as the plain array). Types declare the result as
 * `readonly [a: A, b: B] & { readonly a: A; readonly b: B }`.
 */
export function namedTuple<V>(names: readonly string[], values: readonly V[]): readonly V[] {
  const r = values.slice();
  names.forEach((n, i) => Object.defineProperty(r, n, { value: values[i], enumerable: false }));
  return Object.freeze(r);
}
