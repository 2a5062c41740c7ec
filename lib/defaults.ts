// defaults.ts — torch's process-wide default floating dtype (torch.set_default_dtype /
// get_default_dtype). Every creation function that torch makes in the default dtype reads it here:
// zeros/ones/empty/full/rand/randn/normal without a dtype, arange/linspace/logspace/eye, fl.tensor of
// non-integral numbers, a JS float beside an integer tensor (lib/dtype.ts: scalarDType), integer
// input of an op with a floating result (sqrt, division, …), and nn's parameters and buffers.
// `*Like` functions and ops on floating tensors follow their input, never this.
//
// A leaf module (errors.ts and arity.ts only, both leaves): lib/dtype.ts imports it, so it cannot
// import dtype.ts back (imports.test.ts counts type imports in cycles too).
import { describeArg, tooManyArgs } from './arity';
import { DTypeError } from './errors';

/** The dtypes `setDefaultDtype` accepts: torch 1.13's working ones (see setDefaultDtype). */
export type DefaultDType = 'float32' | 'float64';

let defaultFloat: DefaultDType = 'float32';

/**
 * Sets the default floating dtype, as `torch.set_default_dtype`: `'float32'` (the initial one) or
 * `'float64'`. Tensors made afterwards without a dtype follow it (`zeros`, `rand`, `fl.tensor([0.5])`,
 * `arange(0, 1, 0.1)`, nn modules' parameters, `intTensor.mul(2.5)`, `intTensor.sqrt()`), and so
 * does the default complex dtype (complex64 for float32, complex128 for float64). Integer and
 * bool results, `*Like` functions and ops on floating tensors are unaffected.
 * Other dtypes throw a DTypeError: integer, bool and complex ones as torch's TypeError;
 * float16 and bfloat16 as torch 1.13 (which raises, though it leaves the default changed;
 * torch ≥ 2.1 accepts them, with complex32 as the complex default, a dtype flintml lacks).
 * ```ts
 * fl.setDefaultDtype('float64');
 * fl.zeros(2).dtype;          // 'float64'
 * fl.setDefaultDtype('float32');
 * ```
 */
export function setDefaultDtype(dtype: DefaultDType): void {
  if (arguments.length > 1) tooManyArgs('setDefaultDtype', 'dtype', arguments);
  if (dtype === 'float32' || dtype === 'float64') { defaultFloat = dtype; return; }
  if (dtype === 'float16' || dtype === 'bfloat16') {
    throw new DTypeError(`setDefaultDtype: ${describeArg(dtype)} is not supported as the default dtype (torch 1.13 raises "invalid default scalar type for complex"; flintml has no complex32 for torch 2.x's half default); use 'float32' or 'float64'`);
  }
  throw new DTypeError(`setDefaultDtype: only floating-point types are supported as the default type ('float32' or 'float64'), got ${describeArg(dtype)}`);
}

/**
 * The default floating dtype, as `torch.get_default_dtype`: `'float32'` unless `setDefaultDtype`
 * changed it. `fl.getDefaultDtype() // 'float32'`
 */
export function getDefaultDtype(): DefaultDType {
  if (arguments.length > 0) tooManyArgs('getDefaultDtype', '', arguments);
  return defaultFloat;
}

/** @internal The default complex dtype: complex128 when the default is float64, else complex64 (torch's). */
export function defaultComplexDtype(): 'complex64' | 'complex128' {
  return defaultFloat === 'float64' ? 'complex128' : 'complex64';
}
