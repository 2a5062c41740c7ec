#!/usr/bin/env node
// wgan-gp.js — a Wasserstein GAN with gradient penalty (Gulrajani et al., 2017) on a 2-D toy
// distribution (8 Gaussians on a ring): the critic's loss has the penalty (‖∇ₓ D(x̂)‖ - 1)² at points
// x̂ between real and generated samples, whose gradient is a second derivative, taken with
// `fl.autograd.grad(..., { createGraph: true })`. Generator and critic are small MLPs with Adam.
// It prints the energy distance between generated and real samples, and as `loss A -> B` the
// generated points' mean distance to the ring, which falls first as the generator learns. (A GAN's
// path is chaotic: the last bits of a sum, which depend on the thread count, change the numbers.)
//
//   node examples/wgan-gp.js [--steps 400] [--critic 5] [--batch 128] [--lambda 10] [--lr 0.001] [--seed 0]
'use strict';
const fl = require('flintml');
const { nn, optim } = fl;
const parseArgs = require('./cli');

const args = () => parseArgs({ steps: 400, critic: 5, batch: 128, lambda: 10, lr: 1e-3, seed: 0 });

/** n points of the 8-Gaussian ring (radius 2, σ 0.05). */
function realBatch(n) {
  const k = fl.randint(0, 8, [n]).to('float32').mul(2 * Math.PI / 8);
  const centers = fl.stack([k.cos(), k.sin()], 1).mul(2);
  return centers.add(fl.randn(n, 2).mul(0.05));
}

const mlp = (inp, out) => new nn.Sequential(
  new nn.Linear(inp, 128), new nn.ReLU(), new nn.Linear(128, 128), new nn.ReLU(), new nn.Linear(128, out),
);

/** The energy distance between two samples (0 when they come from one distribution). */
function energyDistance(a, b) {
  const mean = (x, y) => fl.cdist(x, y).mean().item();
  return 2 * mean(a, b) - mean(a, a) - mean(b, b);
}

/** The mean distance of the points to the ring (radius 2): the first thing the generator learns. */
function ringError(x) {
  return x.square().sum(1).sqrt().sub(2).abs().mean().item();
}

/** λ·(‖∇ₓ D(x̂)‖ - 1)² at random points between real and fake: a graph that backward differentiates again. */
function gradientPenalty(critic, real, fake, lambda) {
  const t = fl.rand(real.shape[0], 1);
  const xhat = real.mul(t).add(fake.mul(t.neg().add(1))).detach().requiresGrad_();
  const [g] = fl.autograd.grad(critic.call(xhat).sum(), [xhat], { createGraph: true });
  return g.square().sum(1).add(1e-12).sqrt().sub(1).square().mean().mul(lambda);
}

function main() {
  const a = args();
  fl.manualSeed(a.seed);
  const G = mlp(2, 2), D = mlp(2, 1);
  const optG = new optim.Adam(G.parameters(), { lr: a.lr, betas: [0.5, 0.9] });
  const optD = new optim.Adam(D.parameters(), { lr: a.lr, betas: [0.5, 0.9] });
  // both measures on one batch of 512 generated points: [energy distance, ring error]
  const evaluate = () => fl.scope(() => fl.noGrad(() => { const x = G.call(fl.randn(512, 2)); return [energyDistance(x, realBatch(512)), ringError(x)]; }));
  const first = evaluate();
  for (let step = 1; step <= a.steps; step++) {
    for (let k = 0; k < a.critic; k++) {
      fl.scope(() => {
        const real = realBatch(a.batch);
        const fake = fl.noGrad(() => G.call(fl.randn(a.batch, 2)));
        const loss = D.call(fake).mean().sub(D.call(real).mean()).add(gradientPenalty(D, real, fake, a.lambda));
        optD.zeroGrad();
        loss.backward();
        optD.step();
      });
    }
    fl.scope(() => {
      const loss = D.call(G.call(fl.randn(a.batch, 2))).mean().neg();
      optG.zeroGrad();
      loss.backward();
      optG.step();
    });
    if (step % 100 === 0) { const [e, r] = evaluate(); console.log(`step ${step}: energy distance ${e.toFixed(4)}, distance to the ring ${r.toFixed(4)}`); }
  }
  const last = evaluate();
  console.log(`wgan-gp: ${a.steps} generator steps, ${a.critic} critic steps each; energy distance ${first[0].toFixed(4)} -> ${last[0].toFixed(4)}; `
    + `loss ${first[1].toFixed(4)} -> ${last[1].toFixed(4)} (the generated points' mean distance to the ring)`);
}

main();
