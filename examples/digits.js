// digits.js — a synthetic stand-in for MNIST, made on the fly so that the examples run without a
// download: the digits 0–9 from a 5×7 bitmap font, scaled up, placed at a random shift, with
// random stroke dropout and background noise, as uint8 [N, size, size] images and int32 labels
// (the layout of `fl.data.MnistDataset`). A factory, as gpt.js: `require('./digits')(fl)`.
'use strict';

// 5×7 glyphs, one string per row ('#' = ink)
const FONT = [
  ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'], // 0
  ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'], // 1
  ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'], // 2
  ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'], // 3
  ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'], // 4
  ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'], // 5
  ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'], // 6
  ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'], // 7
  ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'], // 8
  ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'], // 9
];

/** mulberry32: a small seeded generator for the data, independent of flintml's. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = function makeDigits(fl) {
  /**
   * `n` images of `size`×`size` pixels (size >= 8; the glyph is scaled by floor(size / 9)) and
   * their labels: `{ images: uint8 [n, size, size], labels: int32 [n] }`. Same seed, same set.
   */
  function syntheticDigits(n, { size = 28, seed = 0, noise = 0.15 } = {}) {
    const r = rng(seed);
    const scale = Math.max(1, Math.floor(size / 9));
    const gw = 5 * scale, gh = 7 * scale;
    const pixels = new Uint8Array(n * size * size);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const d = Math.floor(r() * 10);
      labels[i] = d;
      const img = pixels.subarray(i * size * size, (i + 1) * size * size);
      const ox = Math.floor(r() * (size - gw + 1)), oy = Math.floor(r() * (size - gh + 1));
      for (let y = 0; y < gh; y++) {
        for (let x = 0; x < gw; x++) {
          if (FONT[d][Math.floor(y / scale)][Math.floor(x / scale)] === '#' && r() > 0.1) {
            img[(oy + y) * size + ox + x] = 160 + Math.floor(r() * 96);
          }
        }
      }
      for (let p = 0; p < img.length; p++) if (r() < noise) img[p] = Math.min(255, img[p] + Math.floor(r() * 128));
    }
    return {
      images: fl.scope(() => fl.tensor(pixels, { dtype: 'uint8' }).reshape(n, size, size)),
      labels: fl.tensor(labels, { dtype: 'int32' }),
    };
  }

  /**
   * Train and test sets as TensorDatasets of [uint8 images [N, 28, 28], int32 labels [N]]: real
   * MNIST IDX files from `opts.data` when given, otherwise synthetic digits (`opts.train` and
   * `opts.test` of them, seeded by `opts.seed`).
   */
  function digitDatasets(opts) {
    const { data } = fl;
    if (opts.data) {
      const train = new data.MnistDataset(opts.data, { train: true });
      const test = new data.MnistDataset(opts.data, { train: false });
      return { train, test, source: `MNIST from ${opts.data}`, dispose: () => { train.dispose(); test.dispose(); } };
    }
    const tr = syntheticDigits(opts.train, { size: 28, seed: opts.seed + 1 });
    const te = syntheticDigits(opts.test, { size: 28, seed: opts.seed + 2 });
    const own = [tr.images, tr.labels, te.images, te.labels];
    return {
      train: new data.TensorDataset(tr.images, tr.labels),
      test: new data.TensorDataset(te.images, te.labels),
      source: 'synthetic digits (pass --data <dir> for MNIST IDX files)',
      dispose: () => own.forEach((t) => t.dispose()),
    };
  }

  return { syntheticDigits, digitDatasets };
};
