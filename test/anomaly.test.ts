// anomaly.test.ts — autograd's anomaly detection (lib/anomaly.ts, the tape's hooks in
// lib/autograd.ts, detectAnomaly in lib/autograd-api.ts), against torch 1.13's behaviour:
//   x = tensor([0., 1.]); (x.sqrt() * tensor([0., 1.])).sum().backward() under detect_anomaly()
//     -> RuntimeError "Function 'SqrtBackward0' returned nan values in its 0th output."; off: x.grad = [nan, 0.5]
//   x = tensor([-1., 2.]); x.log().pow(2).sum().backward() -> "Function 'PowBackward0' returned nan
//     values in its 0th output."; off: x.grad = [nan, log(2)]
//   a custom Function F whose backward returns nan -> "Function 'FBackward' returned nan values in its 0th output."
// (flintml's node names: SqrtBackward, PowBackward; a custom Function's is torch's.) The forward
// stack must point at this file's line of the op that made the node: each test reads that line
// with `lineHere()` in the same expression as the op (`(line = lineHere(), x.sqrt())`), so that it
// is one line in the compiled file too (jest's stacks name the compiled lines).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const AG = fl.autograd;
const f64 = (v: number[]): fl.Tensor => fl.tensor(v, { dtype: 'float64', device: DEVICE });

/** The line of this file that called lineHere (from the same stack machinery the tape uses). */
function lineHere(): number {
  const holder = { stack: '' };
  Error.captureStackTrace(holder, lineHere);
  const m = /anomaly\.test\.ts:(\d+):\d+/.exec(holder.stack.split('\n')[1]);
  if (!m) throw new Error(`lineHere: no line of anomaly.test.ts in ${holder.stack}`);
  return Number(m[1]);
}

/** The error `fn` throws (fails when it throws none). */
function thrownBy(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

afterEach(() => {
  expect(AG.isAnomalyEnabled()).toBe(false);  // every test restores the mode
  expect(AG.isAnomalyCheckNanEnabled()).toBe(true);
});

describe('the mode', () => {
  test('defaults, setDetectAnomaly (positional or keyword checkNan), torch\'s argument checks', () => {
    expect([AG.isAnomalyEnabled(), AG.isAnomalyCheckNanEnabled()]).toEqual([false, true]);
    AG.setDetectAnomaly(true);
    expect([AG.isAnomalyEnabled(), AG.isAnomalyCheckNanEnabled()]).toEqual([true, true]);
    AG.setDetectAnomaly(true, { checkNan: false });
    expect([AG.isAnomalyEnabled(), AG.isAnomalyCheckNanEnabled()]).toEqual([true, false]);
    AG.setDetectAnomaly(true, true);
    expect(AG.isAnomalyCheckNanEnabled()).toBe(true);
    AG.setDetectAnomaly(false, false);
    expect([AG.isAnomalyEnabled(), AG.isAnomalyCheckNanEnabled()]).toEqual([false, false]);
    AG.setDetectAnomaly(false);  // torch: set_detect_anomaly(False) puts check_nan back to True
    expect([AG.isAnomalyEnabled(), AG.isAnomalyCheckNanEnabled()]).toEqual([false, true]);
    expect(() => AG.setDetectAnomaly(1 as unknown as boolean)).toThrow(new fl.ValueError('autograd.setDetectAnomaly: mode must be a boolean, got 1'));
    expect(() => (AG.setDetectAnomaly as (...a: unknown[]) => void)()).toThrow(/missing required argument 'mode'/);
    expect(() => AG.setDetectAnomaly(true, { checkNan: 'yes' as unknown as boolean })).toThrow(fl.ValueError);
    expect(() => AG.detectAnomaly(7 as unknown as () => void)).toThrow(new fl.ValueError('autograd.detectAnomaly: fn must be a function, got 7'));
    expect(AG.isAnomalyEnabled()).toBe(false);
  });

  test('detectAnomaly restores the mode it found: nested scopes, a throwing fn', () => {
    const seen: boolean[][] = [];
    const probe = (): void => { seen.push([AG.isAnomalyEnabled(), AG.isAnomalyCheckNanEnabled()]); };
    const r = AG.detectAnomaly(() => {
      probe();
      AG.detectAnomaly(() => { probe(); }, { checkNan: false });
      probe();
      AG.detectAnomaly(() => { probe(); }, false);
      expect(() => AG.detectAnomaly(() => { probe(); throw new RangeError('inner'); }, { checkNan: false })).toThrow(RangeError);
      probe();
      return 42;
    });
    probe();
    expect(r).toBe(42);
    expect(seen).toEqual([[true, true], [true, false], [true, true], [true, false], [true, false], [true, true], [false, true]]);
  });

  test('an async fn: on until its promise settles, then restored (also when it rejects)', async () => {
    const x = f64([0, 1]).requiresGrad_();
    try {
      const p = AG.detectAnomaly(async () => {
        await new Promise((r) => setTimeout(r, 1));
        expect(AG.isAnomalyEnabled()).toBe(true);
        fl.scope(() => x.sqrt().mul(f64([0, 1])).sum().backward());
      });
      expect(AG.isAnomalyEnabled()).toBe(true);  // still pending
      await expect(p).rejects.toThrow(/^Function 'SqrtBackward' returned nan values in its 0th output\./);
      expect(AG.isAnomalyEnabled()).toBe(false);
      expect(await AG.detectAnomaly(async () => { await null; return AG.isAnomalyEnabled(); })).toBe(true);
    } finally { x.grad?.dispose(); x.dispose(); }
  });
});

describe('NaN gradients (checkNan)', () => {
  test("sqrt at 0 with a 0 upstream gradient (0 * inf): SqrtBackward, with the forward call's stack", () => {
    fl.scope(() => {
      const x = f64([0, 1]).requiresGrad_();
      let line = 0;
      const e = thrownBy(() => AG.detectAnomaly(() => {
        const y = (line = lineHere(), x.sqrt());
        y.mul(f64([0, 1])).sum().backward();
      }));
      expect(e).toBeInstanceOf(fl.AutogradError);
      expect(e.message.split('\n')[0]).toBe("Function 'SqrtBackward' returned nan values in its 0th output.");
      expect(e.message).toContain('Error detected in SqrtBackward. Traceback of forward call that caused the error:');
      expect(e.message).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
      expect((e as Error & { forwardStack: string }).forwardStack).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
      expect(e.stack).toContain("returned nan values in its 0th output.\nError detected in SqrtBackward");
      expect(x.grad).toBeNull();  // the run stopped at the node
    });
  });

  test('log of a negative number, squared: the NaN appears in PowBackward (log\'s own gradient, 1/x, is finite)', () => {
    fl.scope(() => {
      const x = f64([-1, 2]).requiresGrad_();
      let line = 0;
      const e = thrownBy(() => AG.detectAnomaly(() => {
        const l = x.log();
        const y = (line = lineHere(), l.pow(2));
        y.sum().backward();
      }));
      expect(e.message.split('\n')[0]).toBe("Function 'PowBackward' returned nan values in its 0th output.");
      expect(e.message).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
      expect(e.message).not.toMatch(new RegExp(`anomaly\\.test\\.ts:${line - 1}:`));  // not log's line
    });
  });

  test('a custom Function whose backward returns NaN: FBackward, the stack of its apply', () => {
    class NanGrad extends fl.autograd.Function {
      static forward(_ctx: fl.autograd.FunctionCtx, t: fl.Tensor): fl.Tensor { return t.mul(2); }
      static backward(_ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { return g.mul(NaN); }
    }
    fl.scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      const w = f64([3, 4]).requiresGrad_();
      let line = 0;
      const e = thrownBy(() => AG.detectAnomaly(() => {
        const y = (line = lineHere(), NanGrad.apply(x));
        y.mul(w).sum().backward();
      }));
      expect(e).toBeInstanceOf(fl.AutogradError);
      expect(e.message.split('\n')[0]).toBe("Function 'NanGradBackward' returned nan values in its 0th output.");
      expect(e.message).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
      // the nodes downstream ran first: w got its gradient before the run stopped
      expect(w.grad!.toArray()).toEqual([2, 4]);
    });
  });

  test('the i-th output: a NaN only in the gradient of the second input names output 1', () => {
    fl.scope(() => {
      const a = f64([1, 2]).requiresGrad_();
      const b = f64([0, 1]).requiresGrad_();
      // b * c with c = [inf, 1] and a 0 upstream gradient at element 0: d/db = g * c = 0 * inf = NaN
      const c = f64([Infinity, 1]);
      const e = thrownBy(() => AG.detectAnomaly(() => a.add(b.mul(c)).mul(f64([0, 1])).sum().backward()));
      expect(e.message.split('\n')[0]).toBe("Function 'MulBackward' returned nan values in its 0th output.");
      const e2 = thrownBy(() => AG.detectAnomaly(() => fl.mul(c, b).mul(f64([0, 1])).sum().backward()));
      expect(e2.message.split('\n')[0]).toBe("Function 'MulBackward' returned nan values in its 1th output.");  // torch's "1th"
    });
  });

  test('off (torch\'s default): no error, the NaN gradients flow into .grad', () => {
    fl.scope(() => {
      const x = f64([0, 1]).requiresGrad_();
      x.sqrt().mul(f64([0, 1])).sum().backward();
      const g = x.grad!.toArray() as number[];
      expect(Number.isNaN(g[0])).toBe(true);
      expect(g[1]).toBe(0.5);
      const y = f64([-1, 2]).requiresGrad_();
      y.log().pow(2).sum().backward();
      const gy = y.grad!.toArray() as number[];
      expect(Number.isNaN(gy[0])).toBe(true);
      expect(gy[1]).toBeCloseTo(Math.log(2), 15);
    });
  });

  test('checkNan false: NaN gradients flow, but errors still carry the forward stack', () => {
    fl.scope(() => {
      const x = f64([0, 1]).requiresGrad_();
      AG.detectAnomaly(() => x.sqrt().mul(f64([0, 1])).sum().backward(), { checkNan: false });
      expect(Number.isNaN((x.grad!.toArray() as number[])[0])).toBe(true);
      let line = 0;
      const e = thrownBy(() => AG.detectAnomaly(() => {
        const y = (line = lineHere(), x.exp());
        const s = y.sum();
        s.backward();
        s.backward();  // the graph was freed by the first
      }, { checkNan: false }));
      expect(e).toBeInstanceOf(fl.AutogradError);
      expect(e.message).toMatch(/^backward: trying to backward through the graph a second time/);
      expect(e.message).toContain('Error detected in SumBackward. Traceback of forward call that caused the error:');
    });
  });
});

describe('errors thrown inside a backward', () => {
  class Throws extends fl.autograd.Function {
    static forward(_ctx: fl.autograd.FunctionCtx, t: fl.Tensor): fl.Tensor { return t.mul(2); }
    static backward(): fl.Tensor { throw new RangeError('boom in backward'); }
  }

  test('keep their class and message, with the forward stack appended', () => {
    fl.scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      let line = 0;
      const e = thrownBy(() => AG.detectAnomaly(() => {
        const y = (line = lineHere(), Throws.apply(x));
        y.sum().backward();
      }));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/^boom in backward\nError detected in ThrowsBackward\. Traceback of forward call that caused the error:\n/);
      expect(e.message).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
      expect(e.stack).toMatch(/^RangeError: boom in backward\nError detected in ThrowsBackward/);
      // off: the error as thrown
      const off = thrownBy(() => Throws.apply(x).sum().backward());
      expect(off.message).toBe('boom in backward');
      expect(Object.prototype.hasOwnProperty.call(off, 'forwardStack')).toBe(false);
    });
  });

  test('a graph recorded before the mode was on: torch\'s "no forward pass information"', () => {
    fl.scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      const y = Throws.apply(x).sum();
      const e = thrownBy(() => AG.detectAnomaly(() => y.backward()));
      expect(e.message).toBe('boom in backward\nError detected in ThrowsBackward. No forward pass information available: turn anomaly detection on during the forward pass for more.');
    });
  });

  test('a backward nested in a node (checkpoint) keeps the innermost node\'s stack', () => {
    fl.scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      let line = 0;
      const e = thrownBy(() => AG.detectAnomaly(() => {
        const y = fl.checkpoint((t) => (line = lineHere(), Throws.apply(t)), x);
        y.sum().backward();
      }));
      expect(e.message.match(/Error detected in/g)).toHaveLength(1);
      expect(e.message).toContain('Error detected in ThrowsBackward');
      expect(e.message).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
    });
  });
});
