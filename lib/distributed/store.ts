// store.ts — the rendezvous key-value store on MASTER_ADDR:MASTER_PORT, what PyTorch's TCPStore is:
// rank 0 serves it, every rank (rank 0 included) is a client. The group uses it to meet its peers
// and to leave together; NCCL passes its unique id through it.
//
// Wire format (both directions), one frame per request and per reply:
//   u32 length of the rest | u32 request id | u8 command (reply: 0 ok, 1 error) | u16 key length | key | payload
// Commands: SET (payload = value), GET (waits on the server until the key exists; payload of the
// reply = value), ADD (payload = f64 delta; reply = f64 new value; a missing key counts as 0, and the
// value is stored as its decimal text, as TCPStore does, so GET of a counter reads "3").
// A GET that outlives its timeout fails on the client; the server forgets nothing (a late answer to a
// request the client gave up on is dropped by id).
import * as net from 'net';
import { DistributedError } from '../errors';

/** The store as the group and the engines see it. */
export interface Store {
  set(key: string, value: Uint8Array): Promise<void>;
  /** Waits until `key` exists; DistributedError after `timeoutMs`. */
  get(key: string, timeoutMs: number): Promise<Uint8Array>;
  /** Adds `n` to the counter `key` (0 when missing) and resolves with the new value. */
  add(key: string, n: number): Promise<number>;
  close(): Promise<void>;
}

const SET = 1, GET = 2, ADD = 3;

function frame(id: number, cmd: number, key: string, payload: Uint8Array): Buffer {
  const k = Buffer.from(key, 'utf8');
  const b = Buffer.allocUnsafe(4 + 4 + 1 + 2 + k.length + payload.length);
  b.writeUInt32LE(b.length - 4, 0);
  b.writeUInt32LE(id, 4);
  b.writeUInt8(cmd, 8);
  b.writeUInt16LE(k.length, 9);
  k.copy(b, 11);
  b.set(payload, 11 + k.length);
  return b;
}

/** Splits a byte stream into frames: calls `on(id, cmd, key, payload)` for each complete one. */
function framer(on: (id: number, cmd: number, key: string, payload: Buffer) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4) {
      const n = buf.readUInt32LE(0);
      if (buf.length < 4 + n) break;
      const f = buf.subarray(4, 4 + n);
      buf = buf.subarray(4 + n);
      const kl = f.readUInt16LE(5);
      on(f.readUInt32LE(0), f.readUInt8(4), f.toString('utf8', 7, 7 + kl), Buffer.from(f.subarray(7 + kl)));
    }
  };
}

/** Rank 0's server: the map and the GETs waiting for a key. */
class StoreServer {
  private readonly data = new Map<string, Buffer>();
  private readonly waiting = new Map<string, Array<(v: Buffer) => void>>();
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly server: net.Server) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.unref();  // a peer's connection does not keep rank 0 alive; its own pending requests do
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => s.destroy());
      s.on('data', framer((id, cmd, key, payload) => this.handle(s, id, cmd, key, payload)));
    });
  }
  private handle(s: net.Socket, id: number, cmd: number, key: string, payload: Buffer): void {
    const reply = (ok: boolean, p: Uint8Array) => { if (!s.destroyed) s.write(frame(id, ok ? 0 : 1, key, p)); };
    if (cmd === SET) {
      this.put(key, payload);
      reply(true, new Uint8Array(0));
    } else if (cmd === GET) {
      const v = this.data.get(key);
      if (v) reply(true, v);
      else {
        const w = this.waiting.get(key) ?? [];
        w.push((val) => reply(true, val));
        this.waiting.set(key, w);
      }
    } else if (cmd === ADD) {
      const old = this.data.get(key);
      const next = (old ? Number(old.toString('utf8')) : 0) + payload.readDoubleLE(0);
      this.put(key, Buffer.from(String(next), 'utf8'));
      const out = Buffer.allocUnsafe(8);
      out.writeDoubleLE(next, 0);
      reply(true, out);
    } else {
      reply(false, Buffer.from(`unknown store command ${cmd}`));
    }
  }
  private put(key: string, v: Buffer): void {
    this.data.set(key, v);
    const w = this.waiting.get(key);
    if (w) {
      this.waiting.delete(key);
      for (const f of w) f(v);
    }
  }
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((res) => this.server.close(() => res()));
  }
}

interface Pending { resolve(p: Buffer): void; reject(e: Error): void }

/**
 * The TCP store: `await TCPStore.create({ host, port, isServer, timeoutMs })`. The server side
 * listens on every interface at `port` (as TCPStore does); every side then connects to
 * `host:port`, retrying until `timeoutMs` while the server is not up yet.
 */
export class TCPStore implements Store {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private constructor(private readonly socket: net.Socket, private readonly server: StoreServer | null, private readonly where: string) {
    socket.unref();
    socket.on('data', framer((id, cmd, _key, payload) => {
      const p = this.pending.get(id);
      if (!p) return;  // the client gave up on it (timeout)
      this.pending.delete(id);
      if (this.pending.size === 0) socket.unref();
      if (cmd === 0) p.resolve(payload);
      else p.reject(new DistributedError(`store ${where}: ${payload.toString('utf8')}`, 'store'));
    }));
    const fail = (why: string) => {
      const e = new DistributedError(`store ${where}: ${why}`, 'store');
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    socket.on('error', (e) => fail(`connection error: ${e.message}`));
    socket.on('close', () => { if (!this.closed) fail('the connection to the store closed (did rank 0 exit?)'); });
  }

  static async create(o: { host: string; port: number; isServer: boolean; timeoutMs: number }): Promise<TCPStore> {
    const where = `${o.host}:${o.port}`;
    let server: StoreServer | null = null;
    if (o.isServer) {
      const srv = net.createServer();
      await new Promise<void>((res, rej) => {
        srv.once('error', (e: NodeJS.ErrnoException) => rej(new DistributedError(
          `store: rank 0 cannot serve on port ${o.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (another job? set MASTER_PORT)' : e.message}`, 'store', 0)));
        srv.listen(o.port, () => res());
      });
      srv.unref();
      server = new StoreServer(srv);
    }
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      try {
        const s = await new Promise<net.Socket>((res, rej) => {
          const c = net.connect(o.port, o.host);
          c.once('connect', () => { c.removeAllListeners('error'); c.setNoDelay(true); res(c); });
          c.once('error', rej);
        });
        return new TCPStore(s, server, where);
      } catch (e) {
        if (Date.now() > deadline) {
          if (server) await server.close();
          throw new DistributedError(`store: no store at ${where} after ${o.timeoutMs} ms (${(e as Error).message}); is rank 0 running, and MASTER_ADDR/MASTER_PORT the same on every rank?`, 'store');
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private request(cmd: number, key: string, payload: Uint8Array, timeoutMs: number, what: string): Promise<Buffer> {
    if (this.closed) return Promise.reject(new DistributedError(`store ${this.where}: ${what}: the store is closed`, 'store'));
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        if (this.pending.size === 0) this.socket.unref();
        reject(new DistributedError(`store ${this.where}: ${what} timed out after ${timeoutMs} ms`, 'store'));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (p) => { clearTimeout(timer); resolve(p); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.socket.ref();
      this.socket.write(frame(id, cmd, key, payload));
    });
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    await this.request(SET, key, value, 60_000, `set('${key}')`);
  }
  get(key: string, timeoutMs: number): Promise<Uint8Array> {
    return this.request(GET, key, new Uint8Array(0), timeoutMs, `get('${key}')`);
  }
  async add(key: string, n: number): Promise<number> {
    const p = Buffer.allocUnsafe(8);
    p.writeDoubleLE(n, 0);
    return (await this.request(ADD, key, p, 60_000, `add('${key}')`)).readDoubleLE(0);
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    if (this.server) await this.server.close();
  }
}
