// data/index.ts — `fl.data`: datasets (and Subset, ConcatDataset, randomSplit; IterableDataset,
// ChainDataset, getWorkerInfo), the DataLoader and its
// samplers, collation, IDX/MNIST files, character text.
export { Dataset, IterableDataset } from './dataset';
export type { WorkerSource, WorkerFunction } from './dataset';
export { ChainDataset, getWorkerInfo } from './iterable';
export type { WorkerInfo } from './iterable';
export { TensorDataset } from './tensor-dataset';
export { DataLoader, defaultConvert } from './dataloader';
export type { DataLoaderOptions, Converted } from './dataloader';
export { Subset, ConcatDataset } from './subset';
export type { DatasetLike } from './subset';
export {
  DistributedSampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, randomSplit,
} from './sampler';
export type {
  Sampler, DistributedSamplerOptions, Sized, GeneratorLike, RandomSamplerOptions, WeightedRandomSamplerOptions,
} from './sampler';
export { defaultCollate, disposeBatch } from './collate';
export type { Collated, CollatableTypedArray } from './collate';
export { parseIdx, readIdx, MnistDataset } from './idx';
export type { IdxArray, MnistOptions } from './idx';
export { CharTokenizer, TextWindowDataset } from './text';
export type { TextWindow } from './text';
