// codes.ts — op codes shared with the native elementwise kernels (native/cpu/elementwise.cpp
// enums Unary and Binary). Keep the order identical on both sides.
export const UNARY = {
  neg: 0, abs: 1, sign: 2, exp: 3, log: 4, log1p: 5, expm1: 6, sqrt: 7, rsqrt: 8, square: 9, sin: 10, cos: 11,
  tanh: 12, sigmoid: 13, relu: 14, gelu: 15, silu: 16, erf: 17, floor: 18, ceil: 19, round: 20, reciprocal: 21,
  logicalNot: 22, isnan: 23, isfinite: 24, clamp: 25, geluTanh: 26, tan: 27, atan: 28, log2: 29, log10: 30,
  trunc: 31, leakyRelu: 32, asin: 33, acos: 34, sinh: 35, cosh: 36, exp2: 37, softplus: 38, isinf: 39,
} as const;

export const BINARY = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
  logicalAnd: 13, logicalOr: 14, logicalXor: 15, remainder: 16, floorDivide: 17, atan2: 18,
} as const;
