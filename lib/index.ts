// index.ts — the public API of flintml: `import * as fl from 'flintml'`.
export { Tensor, scope, keep } from './tensor';
export type { TensorLike, NestedArray, Complex } from './tensor';
export { DTYPES, promoteTypes, resultType, isFloating } from './dtype';
export type { DType, PromoteArg } from './dtype';
export {
  FlintError, ShapeError, DTypeError, DeviceError, IndexError, DisposedError, BackendUnavailableError,
  OutOfMemoryError, ValueError, LinAlgError, OverflowError, FileError, CaptureError, OnnxExportError, DistributedError,
} from './errors';
import { cuda as deviceCuda } from './device';
import { CUDAGraph, graph, isCurrentStreamCapturing, makeGraphedCallable } from './graphs';
import { cudaRandom } from './generator';
/** GPU queries, streams and events (lib/device.ts), CUDA graphs (lib/graphs.ts) and seeding (lib/generator.ts), shaped like `torch.cuda`. */
export const cuda = Object.assign(deviceCuda, { CUDAGraph, graph, makeGraphedCallable, isCurrentStreamCapturing }, cudaRandom);
export type { Stream, Event } from './device';
export type { Device, DeviceLike } from './device';
/** torch.device objects: `fl.device('cuda:1')` (lib/device.ts). */
export { device, DeviceObject } from './device';
/** torch.set_default_dtype / get_default_dtype (lib/defaults.ts). */
export { setDefaultDtype, getDefaultDtype } from './defaults';
export type { DefaultDType } from './defaults';
/** torch.set_printoptions and 2.x's get_printoptions (lib/print-options.ts). */
export { setPrintoptions, getPrintoptions } from './print-options';
export type { PrintOptions, SetPrintOptions } from './print-options';
export type { CUDAGraph, GraphOptions, CaptureErrorMode, GraphedCallable, GraphedCallableOptions } from './graphs';
export { memory } from './memory';
export type { MemoryStats } from './memory';
export * from './ops';  // every op family: new op files are added to ops/index.ts
/** torch.cosine_similarity and torch.pairwise_distance: the same functions as F's. */
export { cosineSimilarity, pairwiseDistance } from './nn/distance';
/**
 * torch's top-level names of nn.functional's functions that take the same arguments (torch.conv2d,
 * torch.max_pool2d, torch.dropout, torch.layer_norm, torch.selu_, …): the same functions as F's.
 * `fl.conv2d(x, w, b, 1, 1)` is `F.conv2d(x, w, b, 1, 1)`.
 */
export {
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, avgPool1d, maxPool1d, maxPool2d, maxPool3d,
  adaptiveAvgPool1d, pixelShuffle, pixelUnshuffle, channelShuffle, celu, selu, hardshrink, prelu, bilinear, threshold, rrelu,
  dropout, alphaDropout, featureAlphaDropout, layerNorm, groupNorm, relu_, selu_, celu_, threshold_, rrelu_,
} from './nn/functional';
/** `torch.random`: seeding, the default generator's state, forkRng (lib/generator.ts; fl.Generator comes with the random ops). */
export { random } from './generator';
export type { ForkRngOptions } from './generator';
export { backend, backends } from './backend';
export { useDeterministicAlgorithms, areDeterministicAlgorithmsEnabled, isDeterministicAlgorithmsWarnOnlyEnabled, NondeterministicAlgorithmError } from './deterministic';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, AutogradError } from './autograd';
export type { BackwardOptions } from './autograd';
export * as nn from './nn';
export { checkpoint } from './autograd';
export type { RemovableHandle } from './autograd';
/** `torch.autograd`: grad, backward, custom Functions (lib/autograd-api.ts). */
export * as autograd from './autograd-api';
/** `torch.func` (what flintml has of it: functionalCall, lib/nn/utils-extra.ts). */
export { func } from './nn/utils-extra';
export { autocast } from './amp';
export * as amp from './amp';
export * from './io/safetensors';
export * as data from './data';
export { gradcheck } from './gradcheck';
export type { GradcheckOptions } from './gradcheck';
export * as optim from './optim';
export * as distributed from './distributed';
export { saveCheckpoint, saveCheckpointSync, loadCheckpoint, loadCheckpointSync } from './io/checkpoint';
export type { CheckpointState, CheckpointTargets, LoadedCheckpoint } from './io/checkpoint';
export * as profiler from './profiler';
export * as models from './models';
export * as onnx from './onnx';
export * as distributions from './distributions';
