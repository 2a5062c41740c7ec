// nn — layers, losses and initialisation (`fl.nn`). Each file adds one family.
export { Module, Parameter, isParameter } from './module';
export * as utils from './utils';
export * from './rnn';
export * from './rnn_cell';
export * from './attention';
export * from './transformer';
export * from './conv';
export * from './containers';
export * from './layers';
export * from './norm';
export {
  ELU, SELU, CELU, Mish, Hardtanh, ReLU6, LogSigmoid, Softsign, Hardsigmoid, GLU, Softmin, Softmax2d, Tanhshrink, Softshrink,
  Hardshrink, Threshold, PReLU, RReLU, Softplus,
} from './activation';
export type { PReLUOptions } from './activation';
export { MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, LPPool1d, LPPool2d } from './pooling';
// the 3-D layers (volumes and video), compositions of the 2-D ops (layers3d.ts, conv3d.ts)
export {
  Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, InstanceNorm3d, Dropout3d,
  ConstantPad3d, ZeroPad3d, ReflectionPad3d, ReplicationPad3d,
} from './layers3d';
export type { Conv3dModuleOptions, ConvTranspose3dModuleOptions } from './layers3d';
export type { Size3, AdaptiveSize3, Conv3dPadding } from './conv3d';
export { PixelShuffle, PixelUnshuffle, ChannelShuffle, Unflatten, Fold, Unfold } from './shuffle';
export {
  InstanceNorm1d, InstanceNorm2d, LocalResponseNorm, ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d,
  ReplicationPad1d, ReplicationPad2d, Dropout1d, Dropout2d, AlphaDropout, FeatureAlphaDropout, Bilinear, ConvTranspose1d, EmbeddingBag,
  ParameterList, ParameterDict,
} from './extra-layers';
export type {
  InstanceNormModuleOptions, BilinearOptions, ConvTranspose1dModuleOptions, PadSize, EmbeddingBagModuleOptions, EmbeddingBagMode, EmbeddingBagFromPretrainedOptions,
} from './extra-layers';
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './loss';
export type { Reduction } from './loss';
export {
  KLDivLoss, MarginRankingLoss, CosineEmbeddingLoss, TripletMarginLoss, TripletMarginWithDistanceLoss, PoissonNLLLoss, GaussianNLLLoss,
  HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, MultiLabelMarginLoss, CTCLoss,
} from './loss-extra';
// max unpooling, fractional max pooling (unpool.ts); the fixed-mode upsamplings and CrossMapLRN2d (more.ts)
export { MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, FractionalMaxPool2d, FractionalMaxPool3d } from './unpool';
export type { SizeN, MaxUnpoolModuleOptions } from './unpool';
export { UpsamplingNearest2d, UpsamplingBilinear2d, CrossMapLRN2d } from './more';
export type { UpsamplingOptions, CrossMapLRN2dOptions } from './more';
export { AdaptiveLogSoftmaxWithLoss } from './adaptive';
export type { AdaptiveLogSoftmaxWithLossOptions, ASMOutput } from './adaptive';
// the lazy modules (lazy.ts): the eager classes with the input size read from the first forward
export {
  LazyLinear, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d,
  LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d,
} from './lazy';
export type { LazyLinearOptions, LazyConvOptions, LazyNormOptions } from './lazy';
export { SyncBatchNorm } from './syncbn';
export type { SyncBatchNormOptions } from './syncbn';
export * as init from './init';
export * as functional from './functional';
export * as parallel from './parallel';
