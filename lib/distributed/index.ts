// distributed/index.ts — `fl.distributed`: the process group (group.ts: env:// rendezvous,
// collectives with timeouts), its engines (mpi.ts for CPU tensors; nccl.ts for GPU tensors) and the
// rendezvous store (store.ts). DistributedDataParallel is `fl.nn.parallel`, DistributedSampler
// `fl.data`, the launcher `npx flintml run` (lib/cli.ts).
export {
  initProcessGroup, destroyProcessGroup, isInitialized, getRank, getWorldSize, getBackend,
  allReduce, broadcast, allGather, reduceScatter, send, recv, barrier, Work,
} from './group';
export type { InitProcessGroupOptions, CollectiveOptions } from './group';
export type { ReduceOp, EngineName } from './engine';
export { mpiInfo } from './mpi';
import { registerEngine } from './group';
import { createNcclEngine } from './nccl';
import './mpi';  // registers 'mpi' at load
// one factory for both names: it picks the library of the host's GPU vendor (nccl.ts)
registerEngine('nccl', createNcclEngine);
registerEngine('rccl', createNcclEngine);
export type { MpiInfo } from './mpi';
