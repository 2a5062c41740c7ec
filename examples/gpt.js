// gpt.js — a small GPT-style character model (pre-norm transformer blocks with causal
// self-attention), written against flintml's API. A factory so that the demo (`require('flintml')`)
// and the parity test (the TypeScript sources) can share it: `const { GPT } = require('./gpt')(fl)`.
'use strict';

module.exports = function makeGPT(fl) {
  const { nn } = fl;

  /** One pre-norm block: causal self-attention and a GELU MLP, each with a residual. */
  class Block extends nn.Module {
    constructor(d, heads, context) {
      super();
      this.heads = heads;
      this.ln1 = new nn.LayerNorm(d);
      this.qkv = new nn.Linear(d, 3 * d);
      this.proj = new nn.Linear(d, d);
      this.ln2 = new nn.LayerNorm(d);
      this.fc1 = new nn.Linear(d, 4 * d);
      this.fc2 = new nn.Linear(4 * d, d);
      // additive causal mask: 0 on and below the diagonal, -inf above
      this.registerBuffer('mask', fl.noGrad(() => fl.scope(() => fl.triu(fl.full([context, context], -Infinity), 1))), false);
    }
    forward(x) {
      // One scope per block, as the library's own layers do: the block's temporaries that backward
      // does not read (the attention scores before and after the mask, the residual branches, ...)
      // are freed when it returns, where PyTorch frees them by reference count; what backward
      // reads stays alive in the graph. Without it they live until the training step's scope ends
      // (GPT-2 small, batch 16: ~2 GB more at the peak).
      return fl.scope(() => {
        const [B, T, D] = x.shape;
        const H = this.heads, hd = D / H;
        const h = this.ln1.forward(x);
        const [q, k, v] = this.qkv.forward(h).split(D, -1).map((t) => t.reshape(B, T, H, hd).transpose(1, 2));
        const scores = fl.matmul(q, k.transpose(-2, -1)).mul(1 / Math.sqrt(hd));
        const att = fl.softmax(scores.add(this.mask.narrow(0, 0, T).narrow(1, 0, T)), -1);
        const y = fl.matmul(att, v).transpose(1, 2).reshape(B, T, D);
        const x1 = x.add(this.proj.forward(y));
        return x1.add(this.fc2.forward(fl.gelu(this.fc1.forward(this.ln2.forward(x1)))));
      });
    }
  }

  /** Token and position embeddings, `layers` blocks, a final LayerNorm and the vocabulary head. */
  class GPT extends nn.Module {
    constructor(vocab, d, heads, layers, context) {
      super();
      this.context = context;
      this.tok = new nn.Embedding(vocab, d);
      this.pos = new nn.Embedding(context, d);
      this.blocks = Array.from({ length: layers }, () => new Block(d, heads, context));
      this.lnf = new nn.LayerNorm(d);
      this.head = new nn.Linear(d, vocab);
    }
    forward(idx) {
      const T = idx.shape[1];
      // positions on the tokens' device: an op never moves a tensor across devices by itself
      let x = this.tok.forward(idx).add(this.pos.forward(fl.arange(T, { device: idx.device })));
      for (const b of this.blocks) x = b.forward(x);
      return this.head.forward(this.lnf.forward(x));
    }
  }

  return { GPT, Block };
};
