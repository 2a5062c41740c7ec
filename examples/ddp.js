#!/usr/bin/env node
// ddp.js — data-parallel training with fl.distributed: each rank trains the same MLP on its shard
// of synthetic digits (DistributedSampler), DistributedDataParallel averages the gradients across
// ranks during backward, so every rank takes the same SGD step. Rank 0 prints the loss and, at the
// end, that the ranks' parameters are identical (an allReduce of their max and min).
//
//   npx flintml run --mpi --nproc-per-node 2 examples/ddp.js [--epochs 3] [--train 1024] [--batch 32]
//                                                          [--hidden 64] [--lr 0.1] [--seed 0]
//   mpirun -n 2 node examples/ddp.js          (the same: MPI's launcher starts the ranks)
//   node examples/ddp.js                       (a world of one)
//
// --batch is per rank: the global batch is batch × world size.
'use strict';
const fl = require('flintml');
const { nn, optim, data, distributed: dist } = fl;
const { syntheticDigits } = require('./digits')(fl);
const a = require('./cli')({ epochs: 3, train: 1024, batch: 32, hidden: 64, lr: 0.1, seed: 0 });

async function main() {
  await dist.initProcessGroup({ backend: 'mpi', timeoutMs: 120_000 });
  const rank = dist.getRank(), world = dist.getWorldSize();
  const { images, labels } = syntheticDigits(a.train, { seed: a.seed + 1 });   // the same data on every rank
  const ds = new data.TensorDataset(images, labels);
  const sampler = new data.DistributedSampler(ds, { shuffle: true, seed: a.seed });
  const loader = new data.DataLoader(ds, { batchSize: a.batch, sampler });

  fl.manualSeed(a.seed + rank);   // different inits on purpose: DDP broadcasts rank 0's
  const net = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, a.hidden), new nn.ReLU(), new nn.Linear(a.hidden, 10));
  const model = await new nn.parallel.DistributedDataParallel(net).ready();
  const opt = new optim.SGD(model.parameters(), { lr: a.lr, momentum: 0.9 });

  let first = null, last = null;
  for (let epoch = 0; epoch < a.epochs; epoch++) {
    sampler.setEpoch(epoch);
    let sum = 0, n = 0;
    for await (const [x, y] of loader) {
      opt.zeroGrad();
      sum += fl.scope(() => {
        const loss = nn.functional.crossEntropy(model.forward(x.to('float32').div(255)), y);
        loss.backward();              // gradient buckets are averaged across ranks while this runs
        return loss.item();
      });
      await model.waitForGradients(); // the averages are in .grad
      opt.step();
      data.disposeBatch([x, y]);
      n++;
    }
    // the mean loss over all ranks' batches
    const mean = fl.tensor([sum / n]);
    await dist.allReduce(mean, 'avg');
    const l = mean.item();
    mean.dispose();
    if (first === null) first = l;
    last = l;
    if (rank === 0) console.log(`epoch ${epoch}: loss ${l.toFixed(4)} (${world} rank${world > 1 ? 's' : ''}, ${loader.length} batches each)`);
  }
  // every rank holds the same parameters: the max and the min over ranks of their sum agree
  const s = fl.scope(() => fl.stack(model.parameters().map((p) => p.sum())).sum().reshape(1));
  const hi = s.clone(), lo = s.clone();
  await dist.allReduce(hi, 'max');
  await dist.allReduce(lo, 'min');
  if (rank === 0) {
    console.log(`parameters identical on all ranks: ${hi.item() === lo.item()}`);
    console.log(`loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
  }
  [s, hi, lo, images, labels].forEach((t) => t.dispose());
  await dist.destroyProcessGroup();
}

main().catch((e) => { console.error(e); process.exit(1); });
