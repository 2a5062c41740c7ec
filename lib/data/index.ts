// data/index.ts — `fl.data`: datasets, the DataLoader, collation, IDX/MNIST files, character text.
export { Dataset } from './dataset';
export type { WorkerSource } from './dataset';
export { TensorDataset } from './tensor-dataset';
export { DataLoader } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
export { DistributedSampler } from './sampler';
export type { Sampler, DistributedSamplerOptions } from './sampler';
export { defaultCollate, disposeBatch } from './collate';
export type { Collated, CollatableTypedArray } from './collate';
export { parseIdx, readIdx, MnistDataset } from './idx';
export type { IdxArray, MnistOptions } from './idx';
export { CharTokenizer, TextWindowDataset } from './text';
export type { TextWindow } from './text';
