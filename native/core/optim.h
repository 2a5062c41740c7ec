// optim.h — DESIGN: the fused optimizer updates 'adamw' and 'sgd' written once for both devices: the options
// struct that travels to the kernel (AdamParams), the constants of one step, the per-element
// update, how an op call becomes AdamParams and the checks of its operands. Who includes it: native/cpu/optim.cpp (the
// vectorised loop), native/gpu/ops_optim.cpp (the launch) and native/kernels/optim.cu (the kernel).
//
// Bit-identical on both devices by construction: every product and sum goes through mulRn/addRn,
// which are __fmul_rn/__fadd_rn (never contracted into FMAs) in device code and plain operators on
// the host (the x86-64 CPU build has no FMA contraction); division and sqrt are IEEE on both
// (nvcc's default -prec-div / -prec-sqrt). Keep new arithmetic inside these helpers.
//
// The update, in PyTorch's operation order (torch.optim._single_tensor_adam/adamw):
//   g' = sign*g + l2*p;  p' = p*decay;  m = m*b1 + (1-b1)*g';  v = v*b2 + (1-b2)*(g'*g')
//   vmax = (vmax != vmax || vmax > v) ? vmax : v;  p = p' + (-stepSize) * (m / (sqrt(vmax|v) / bc2sqrt + eps))
// with decay = 1 - lr*wd, l2 = 0 for AdamW (decoupled) and decay = 1, l2 = wd for Adam.
#pragma once
#include <cmath>
#include <cstdint>
#include "dtype.h"
#include "hd.h"
#include "libm.h"

namespace flint {

// The options of one step: the op call's p[0..9] (lr, beta1, beta2, eps, weightDecay, decoupled,
// amsgrad, maximize, stepSize = lr / bias correction 1, bc2sqrt = sqrt(bias correction 2)).
struct AdamParams {
  double lr, beta1, beta2, eps, weightDecay, stepSize, bc2sqrt;
  int32_t decoupled, amsgrad, maximize, pad;
};
static_assert(sizeof(AdamParams) == 72, "AdamParams layout: 7 doubles, 4 int32, no padding");

// The options of one step: the op call's p[0..5] (lr, momentum, dampening, weightDecay, nesterov, maximize).
struct SgdParams {
  double lr, momentum, dampening, weightDecay;
  int32_t nesterov, maximize;
};
static_assert(sizeof(SgdParams) == 40, "SgdParams layout: 4 doubles, 2 int32, no padding");

namespace optim {

// (FLINT_EMU: kernels built for the CPU emulator, test/emu, which contracts a*b+c as nvcc does: its
// __fmul_rn/__fadd_rn are never contracted, as on a GPU.)
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__) || defined(FLINT_EMU)
FLINT_HD inline float mulRn(float a, float b) { return __fmul_rn(a, b); }
FLINT_HD inline double mulRn(double a, double b) { return __dmul_rn(a, b); }
FLINT_HD inline float addRn(float a, float b) { return __fadd_rn(a, b); }
FLINT_HD inline double addRn(double a, double b) { return __dadd_rn(a, b); }
FLINT_HD inline float subRn(float a, float b) { return __fsub_rn(a, b); }
FLINT_HD inline double subRn(double a, double b) { return __dsub_rn(a, b); }
#else
FLINT_HD inline float mulRn(float a, float b) { return a * b; }
FLINT_HD inline double mulRn(double a, double b) { return a * b; }
FLINT_HD inline float addRn(float a, float b) { return a + b; }
FLINT_HD inline double addRn(double a, double b) { return a + b; }
FLINT_HD inline float subRn(float a, float b) { return a - b; }
FLINT_HD inline double subRn(double a, double b) { return a - b; }
#endif
FLINT_HD inline float sqrtRn(float x) { return sqrtf(x); }
FLINT_HD inline double sqrtRn(double x) { return sqrt(x); }

/** The per-step constants in compute type C (float, or double for float64). */
template <class C> struct AdamConsts {
  C b1, b2, eps, sign, negStep, bc2sqrt, decay, l2, omb1, omb2;
};
template <class C> FLINT_HD inline AdamConsts<C> adamConsts(const AdamParams& a) {
  AdamConsts<C> k;
  const C wd = (C)a.weightDecay;
  const bool decoupled = a.decoupled != 0;
  k.b1 = (C)a.beta1;
  k.b2 = (C)a.beta2;
  k.eps = (C)a.eps;
  k.sign = a.maximize != 0 ? (C)-1 : (C)1;
  k.negStep = -(C)a.stepSize;
  k.bc2sqrt = (C)a.bc2sqrt;
  // 1 - lr·wd, 1 - beta1 and 1 - beta2 in double, rounded once to C: torch computes them as Python
  // floats and hands them to its float32 kernels as scalars (in float32 the two roundings moved an
  // AdamW step by up to ~6e-6 relative)
  k.decay = decoupled ? (C)(1.0 - a.lr * a.weightDecay) : (C)1;
  k.l2 = decoupled ? (C)0 : wd;
  k.omb1 = (C)(1.0 - a.beta1);
  k.omb2 = (C)(1.0 - a.beta2);
  return k;
}

/** One element's update: p, m, v (and vmax when Amsgrad) in place, g read. */
template <bool Amsgrad, class C>
FLINT_HD inline void adamwUpdate(const AdamConsts<C>& k, C& p, C& m, C& v, C g, C& vmax) {
  const C p0 = p;
  const C gi = addRn(mulRn(k.sign, g), mulRn(k.l2, p0));  // l2 == 0 for AdamW (exactly g when wd is 0)
  const C pi = mulRn(p0, k.decay);                         // decay == 1 for Adam
  const C mi = addRn(mulRn(m, k.b1), mulRn(k.omb1, gi));
  const C vi = addRn(mulRn(v, k.b2), mulRn(k.omb2, mulRn(gi, gi)));
  C second = vi;
  if constexpr (Amsgrad) {
    second = (vmax != vmax || vmax > vi) ? vmax : vi;  // NaN propagates, as torch.maximum
    vmax = second;
  }
  const C denom = addRn(sqrtRn(second) / k.bc2sqrt, k.eps);
  m = mi;
  v = vi;
  p = addRn(pi, mulRn(k.negStep, mi / denom));
}

// ---- 'sgd': SGD with momentum, in the operation order of torch.optim.SGD's single-tensor path ------
//   d = sign*g;  d = d + p*wd (when wd != 0);  buf = buf*momentum + d*(1-dampening);
//   d = nesterov ? d + buf*momentum : buf;  p = p + d*(-lr)
// Every product is rounded before its sum (mulRn/addRn), which is what the composed tensor ops
// (mul, then add) give: the fused pass is bit-identical to them and to the GPU kernel. Operands
// p, g[, buf] (buf when momentum != 0, after the first step, which stores buf = d).

template <class C> struct SgdConsts {
  C sign, wd, mom, omd, negLr;
  bool decay, nesterov;
};
template <class C> FLINT_HD inline SgdConsts<C> sgdConsts(const SgdParams& a) {
  SgdConsts<C> k;
  k.sign = a.maximize != 0 ? (C)-1 : (C)1;
  k.wd = (C)a.weightDecay;
  k.mom = (C)a.momentum;
  k.omd = (C)(1.0 - a.dampening);
  k.negLr = (C)(-a.lr);
  k.decay = a.weightDecay != 0;
  k.nesterov = a.nesterov != 0;
  return k;
}

/** One element's update: p (and buf when Momentum) in place, g read. */
template <bool Momentum, class C>
FLINT_HD inline void sgdUpdate(const SgdConsts<C>& k, C& p, C g, C& buf) {
  C d = mulRn(k.sign, g);  // exact: the sign is +-1
  if (k.decay) d = addRn(d, mulRn(p, k.wd));
  if (Momentum) {
    buf = addRn(mulRn(buf, k.mom), mulRn(d, k.omd));
    d = k.nesterov ? addRn(d, mulRn(buf, k.mom)) : buf;
  }
  p = addRn(p, mulRn(d, k.negLr));
}

// ---- clipGradNorm's ops: 'gradNorm' and 'gradScale' ------------------------------------------------
// gradNorm (norms[k]; g1..gk; params code, p): norms[i] = the p-norm of g(i+1), rounded to the dtype,
// several gradients a call (as many as a call takes operands); clipGradNorm's total is gradNorm of
// those norms (as torch.nn.utils.clip_grad_norm_'s norm of the stacked per-gradient norms).
// gradScale (total; g1..gk; params maxNorm): every g *= min(1, maxNorm / (total + 1e-6)) in place,
// the coefficient computed from total where it lives (no read back), as PyTorch's clip_coef_clamped.
// Together a few calls where the composed form took ~4 ops per gradient. Not bit-identical across
// devices (the sums' order differs).
enum NormCode { NORM_2 = 0, NORM_1 = 1, NORM_INF = 2, NORM_P = 3 };
}  // namespace optim

// Up to kGradListMax gradients of one GPU launch, by value (PyTorch's multi_tensor_apply chunks its
// tensor lists the same way); `first`: the index of ptr[0] in the whole list.
constexpr int kGradListMax = 32;
struct GradList {
  void* ptr[kGradListMax];
  int64_t n[kGradListMax];
  int64_t first;
};

namespace optim {

// One element's contribution to a p-norm accumulator, and two accumulators' combination.
template <class A> FLINT_HD inline A normTerm(int code, A v, A p) {
  const A a = v < 0 ? -v : v;
  switch (code) {
    case NORM_2: return a * a;
    case NORM_1: case NORM_INF: return a;
    default: return a == 0 ? (A)0 : m_pow(a, p);
  }
}
template <class A> FLINT_HD inline A normCombine(int code, A x, A y) {
  if (code != NORM_INF) return x + y;
  if (x != x) return x;  // max; NaN propagates
  if (y != y) return y;
  return y > x ? y : x;
}
template <class A> FLINT_HD inline A normFinish(int code, A s, A p) {
  switch (code) {
    case NORM_2: return m_sqrt(s);
    case NORM_1: case NORM_INF: return s;
    default: return m_pow(s, (A)1 / p);
  }
}
// The clip coefficient min(1, maxNorm / (total + 1e-6)), each step rounded to T as the composed ops
// (add, div, clamp in the gradients' dtype) rounded it; NaN stays NaN.
template <class T> FLINT_HD inline typename ComputeT<T>::type clipCoef(T total, double maxNorm) {
  typedef typename ComputeT<T>::type C;
  const C t = load(store<T>(load(total) + (C)1e-6));
  const C coef = load(store<T>((C)maxNorm / t));
  return coef > (C)1 ? (C)1 : coef;
}

}  // namespace optim
}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <string>
#include "error.h"
#include "tensor.h"

namespace flint {
// The device-independent validation: both devices refuse the same calls with the same messages.
namespace checks {

// One contiguous layout, dtype and size for every operand of an optimizer step (the fused update
// walks them all with one flat index).
inline void checkSameLayout(const OpCall& c, const char* op) {
  const TensorArg& p = c.t[0];
  for (int i = 0; i < c.nt; i++) {
    const TensorArg& t = c.t[i];
    if (t.isScalar || t.dtype != p.dtype || t.numel() != p.numel() || !t.isContiguous())
      fail(ErrorKind::Shape, std::string(op) + ": operands must be contiguous tensors of one dtype and size, got " +
                                 p.shapeStr() + " and " + t.shapeStr() + " (operand " + std::to_string(i) + ")");
  }
}

[[noreturn]] inline void failFloatDType(const char* op) {
  fail(ErrorKind::DType, std::string(op) + ": parameters must be floating point");
}

// Operand count and the vmax operand amsgrad needs (the floating-dtype check follows in the caller).
inline void checkAdamwOperands(const OpCall& c) {
  if (c.nt != 4 && c.nt != 5) fail(ErrorKind::Value, "adamw: expected (p, m, v, g[, vmax])");
  if (c.param(6) != 0 && c.nt != 5) fail(ErrorKind::Value, "adamw: amsgrad needs a vmax operand");
  checkSameLayout(c, "adamw");
}

// p, g[, buf]: the momentum buffer exactly when momentum != 0.
inline void checkSgdOperands(const OpCall& c) {
  if (c.nt != 2 && c.nt != 3) fail(ErrorKind::Value, "sgd: expected (p, g[, momentumBuffer])");
  if ((c.param(1) != 0) != (c.nt == 3)) fail(ErrorKind::Value, "sgd: a momentum buffer goes with a nonzero momentum, and only then");
  checkSameLayout(c, "sgd");
}

// gradNorm: norms (one element per gradient), gradScale: a one-element total; then one or more
// contiguous gradients, all of one dtype (the floating check follows in the caller).
inline void checkGradList(const OpCall& c, const char* op, bool norms) {
  if (c.nt < 2) fail(ErrorKind::Value, std::string(op) + (norms ? ": expected (norms, grad1, ...)" : ": expected (total, grad1, ...)"));
  const TensorArg& total = c.t[0];
  const int64_t want = norms ? c.nt - 1 : 1;
  if (total.isScalar || total.numel() != want || !total.isContiguous())
    fail(ErrorKind::Shape, std::string(op) + ": " + (norms ? "norms" : "total") + " must be a contiguous tensor of " + std::to_string(want) +
                               " element(s), got " + total.shapeStr());
  for (int i = 1; i < c.nt; i++) {
    const TensorArg& t = c.t[i];
    if (t.isScalar || t.dtype != total.dtype || !t.isContiguous())
      fail(ErrorKind::Shape, std::string(op) + ": gradients must be contiguous tensors of the dtype " + dtypeName(total.dtype) +
                                 ", got " + dtypeName(t.dtype) + " " + t.shapeStr() + " (operand " + std::to_string(i) + ")");
  }
}
// gradNorm's params: code (NormCode), p.
inline int gradNormCode(const OpCall& c) {
  const int code = (int)c.param(0);
  if (code < optim::NORM_2 || code > optim::NORM_P || (code == optim::NORM_P && !(c.param(1) > 0)))
    fail(ErrorKind::Value, "gradNorm: unknown norm code " + std::to_string(code) + " (p " + std::to_string(c.param(1)) + ")");
  return code;
}

}  // namespace checks

namespace optim {

inline AdamParams adamParams(const OpCall& c) {
  AdamParams a{};
  a.lr = c.param(0);
  a.beta1 = c.param(1);
  a.beta2 = c.param(2);
  a.eps = c.param(3);
  a.weightDecay = c.param(4);
  a.decoupled = c.param(5) != 0 ? 1 : 0;
  a.amsgrad = c.param(6) != 0 ? 1 : 0;
  a.maximize = c.param(7) != 0 ? 1 : 0;
  a.stepSize = c.param(8);
  a.bc2sqrt = c.param(9);
  return a;
}

inline SgdParams sgdParams(const OpCall& c) {
  SgdParams a{};
  a.lr = c.param(0);
  a.momentum = c.param(1);
  a.dampening = c.param(2);
  a.weightDecay = c.param(3);
  a.nesterov = c.param(4) != 0 ? 1 : 0;
  a.maximize = c.param(5) != 0 ? 1 : 0;
  return a;
}

}  // namespace optim
}  // namespace flint
#endif
