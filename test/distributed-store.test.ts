// distributed-store.test.ts — the rendezvous TCP store (lib/distributed/store.ts) in one process:
// rank 0's server and clients on a free local port; GET waits for SET, ADD counts, and every wait
// ends in a DistributedError at its timeout instead of hanging.
import * as net from 'net';
import { TCPStore } from '../lib/distributed/store';
import { DistributedError } from '../lib/errors';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('TCPStore', () => {
  it('serves set/get/add to several clients; get waits until the key is set', async () => {
    const port = await freePort();
    const server = await TCPStore.create({ host: '127.0.0.1', port, isServer: true, timeoutMs: 5000 });
    const client = await TCPStore.create({ host: '127.0.0.1', port, isServer: false, timeoutMs: 5000 });
    try {
      const waiting = client.get('id', 5000);          // before the key exists
      await server.set('id', new Uint8Array([1, 2, 3]));
      expect(Array.from(await waiting)).toEqual([1, 2, 3]);
      expect(Array.from(await server.get('id', 1000))).toEqual([1, 2, 3]);
      expect(await client.add('n', 1)).toBe(1);
      expect(await server.add('n', 2)).toBe(3);
      expect(Buffer.from(await client.get('n', 1000)).toString()).toBe('3');  // counters read as decimal text
      const big = new Uint8Array(200_000).map((_, i) => i % 251);  // spans several TCP chunks
      await client.set('big', big);
      expect(Buffer.compare(Buffer.from(await server.get('big', 1000)), Buffer.from(big))).toBe(0);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a client started before the server connects once it is up', async () => {
    const port = await freePort();
    const early = TCPStore.create({ host: '127.0.0.1', port, isServer: false, timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    const server = await TCPStore.create({ host: '127.0.0.1', port, isServer: true, timeoutMs: 5000 });
    const client = await early;
    await server.set('k', new Uint8Array([7]));
    expect(Array.from(await client.get('k', 1000))).toEqual([7]);
    await client.close();
    await server.close();
  });

  it('get of a key nobody sets, and a store nobody serves, end in DistributedError at the timeout', async () => {
    const port = await freePort();
    const server = await TCPStore.create({ host: '127.0.0.1', port, isServer: true, timeoutMs: 5000 });
    await expect(server.get('never', 200)).rejects.toThrow(/get\('never'\) timed out after 200 ms/);
    await expect(TCPStore.create({ host: '127.0.0.1', port, isServer: true, timeoutMs: 500 })).rejects.toThrow(/port .* in use/);
    await server.close();
    const nobody = await freePort();
    const t0 = Date.now();
    await expect(TCPStore.create({ host: '127.0.0.1', port: nobody, isServer: false, timeoutMs: 400 })).rejects.toBeInstanceOf(DistributedError);
    expect(Date.now() - t0).toBeLessThan(5000);  // hang guard: bounded by the timeout, not a hang
  });

  it('a pending get fails when the server goes away', async () => {
    const port = await freePort();
    const server = await TCPStore.create({ host: '127.0.0.1', port, isServer: true, timeoutMs: 5000 });
    const client = await TCPStore.create({ host: '127.0.0.1', port, isServer: false, timeoutMs: 5000 });
    const waiting = client.get('x', 10_000);
    await server.close();
    await expect(waiting).rejects.toThrow(/closed|connection/);
    await client.close();
  });
});
