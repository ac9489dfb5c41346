/**
 * A SAFE unpickler for PyTorch tensor checkpoints. It interprets only the opcodes a state dict
 * needs and resolves only whitelisted globals (OrderedDict, torch storages, tensor/parameter
 * rebuild functions) to inert markers; it never calls anything. Any other opcode or global is an
 * UnsafePickleError naming it.
 */
import { UnsafePickleError, WeightsFormatError } from '../errors';
import { PyDict, PyGlobal, PyTuple, PyValue, StorageDType, StorageRef, TensorRef } from './pickle_values';

const STORAGE_TYPES: Record<string, StorageDType> = {
  'torch.FloatStorage': 'float32', 'torch.HalfStorage': 'float16', 'torch.DoubleStorage': 'float64',
  'torch.LongStorage': 'int64', 'torch.IntStorage': 'int32', 'torch.ShortStorage': 'int16',
  'torch.CharStorage': 'int8', 'torch.ByteStorage': 'uint8', 'torch.BoolStorage': 'bool',
  'torch.BFloat16Storage': 'bfloat16',
};

const CALLABLES = new Set([
  'collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter',
]);

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

function asInt(v: Slot, what: string, file: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new WeightsFormatError(`${what} is not an integer`, { file, op: 'REDUCE' });
  return v;
}

function intList(v: Slot, what: string, file: string): number[] {
  if (!(v instanceof PyTuple)) throw new WeightsFormatError(`${what} is not a tuple`, { file, op: 'REDUCE' });
  return v.items.map((x) => asInt(x, what, file));
}

function callGlobal(fn: PyGlobal, args: PyTuple, file: string): PyValue {
  const a = args.items;
  switch (fn.name) {
    case 'collections.OrderedDict':
      if (a.length !== 0) throw new UnsafePickleError('OrderedDict with arguments', { file, op: fn.name });
      return new PyDict();
    case 'torch._utils._rebuild_tensor_v2': {
      const storage = a[0];
      if (!(storage instanceof StorageRef)) throw new WeightsFormatError('tensor without storage', { file, op: fn.name });
      return new TensorRef(storage, asInt(a[1], 'storage offset', file), intList(a[2], 'size', file), intList(a[3], 'stride', file));
    }
    case 'torch._utils._rebuild_parameter':
      if (!(a[0] instanceof TensorRef)) throw new WeightsFormatError('parameter without tensor', { file, op: fn.name });
      return a[0];
    default:
      throw new UnsafePickleError(`global ${fn.name} is not callable here`, { file, op: fn.name });
  }
}

function persistentLoad(pid: PyValue, file: string): StorageRef {
  if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage' || pid.items.length < 5) {
    throw new UnsafePickleError('persistent id is not a torch storage', { file, op: 'BINPERSID' });
  }
  const [, type, key, , numel] = pid.items;
  if (!(type instanceof PyGlobal) || STORAGE_TYPES[type.name] === undefined) {
    throw new UnsafePickleError('unknown storage type', { file, op: type instanceof PyGlobal ? type.name : 'BINPERSID' });
  }
  if (typeof key !== 'string' || !/^[0-9A-Za-z_]+$/.test(key)) throw new WeightsFormatError('bad storage key', { file, op: 'BINPERSID' });
  return new StorageRef(STORAGE_TYPES[type.name], key, asInt(numel, 'storage size', file));
}

/** Unpickles `data` (protocol 2..5 subset). `file` names the source in errors. */
export function safeUnpickle(data: Uint8Array, file: string): PyValue {
  return safeUnpickleAt(data, 0, file).value;
}

/**
 * Unpickles the one pickle that starts at byte `start` of `data` (a file may hold several, as torch's
 * legacy serialization does); `end` is the byte after its STOP.
 */
export function safeUnpickleAt(data: Uint8Array, start: number, file: string): { value: PyValue; end: number } {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const td = new TextDecoder('utf-8', { fatal: true });
  let pos = start;
  const stack: Slot[] = [];
  const memo = new Map<number, PyValue>();
  const need = (n: number, op: string): void => {
    if (pos + n > data.length) throw new WeightsFormatError('pickle is truncated', { file, op });
  };
  const u8 = (op: string): number => { need(1, op); return data[pos++]; };
  const u16 = (op: string): number => { need(2, op); const v = dv.getUint16(pos, true); pos += 2; return v; };
  const u32 = (op: string): number => { need(4, op); const v = dv.getUint32(pos, true); pos += 4; return v; };
  const bytes = (n: number, op: string): Uint8Array => { need(n, op); const b = data.subarray(pos, pos + n); pos += n; return b; };
  const utf8 = (b: Uint8Array, op: string): string => {
    try {
      return td.decode(b);
    } catch {
      throw new WeightsFormatError('string is not valid UTF-8', { file, op });
    }
  };
  const text = (n: number, op: string): string => utf8(bytes(n, op), op);
  const line = (op: string): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw new WeightsFormatError('pickle is truncated', { file, op });
    const s = utf8(data.subarray(pos, end), op);
    pos = end + 1;
    return s;
  };
  const pop = (op: string): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new WeightsFormatError('pickle stack underflow', { file, op });
    return v;
  };
  const top = (op: string): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new WeightsFormatError('pickle stack underflow', { file, op });
    return v;
  };
  const popMark = (op: string): PyValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new WeightsFormatError('pickle has no MARK', { file, op });
    const items = stack.splice(i).slice(1);
    return items.filter((x): x is PyValue => x !== MARK);
  };
  const setItems = (d: PyValue, kv: PyValue[], op: string): void => {
    if (!(d instanceof PyDict)) throw new WeightsFormatError('SETITEM on a non-dict', { file, op });
    for (let i = 0; i + 1 < kv.length; i += 2) {
      const k = kv[i];
      if (typeof k !== 'string' && typeof k !== 'number') throw new UnsafePickleError('dict key is not a string or int', { file, op });
      d.entries.set(k, kv[i + 1]);
    }
  };
  const memoGet = (i: number, op: string): PyValue => {
    const v = memo.get(i);
    if (v === undefined) throw new WeightsFormatError(`memo ${i} is empty`, { file, op });
    return v;
  };
  const global = (name: string, op: string): PyGlobal => {
    if (!CALLABLES.has(name) && STORAGE_TYPES[name] === undefined) {
      throw new UnsafePickleError(`global ${name} is not allowed in a weights checkpoint`, { file, op: name });
    }
    return new PyGlobal(name);
  };

  for (;;) {
    const at = pos;
    const code = u8('opcode');
    switch (code) {
      case 0x80: u8('PROTO'); break; // PROTO n
      case 0x95: bytes(8, 'FRAME'); break; // FRAME (length ignored: the whole pickle is in memory)
      case 0x2e: { // STOP
        const v = pop('STOP');
        return { value: v, end: pos };
      }
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x28: stack.push(MARK); break; // MARK
      case 0x74: stack.push(new PyTuple(popMark('TUPLE'))); break; // TUPLE
      case 0x85: stack.push(new PyTuple([pop('TUPLE1')])); break;
      case 0x86: { const b = pop('TUPLE2'); const a = pop('TUPLE2'); stack.push(new PyTuple([a, b])); break; }
      case 0x87: { const c = pop('TUPLE3'); const b = pop('TUPLE3'); const a = pop('TUPLE3'); stack.push(new PyTuple([a, b, c])); break; }
      case 0x6c: stack.push(popMark('LIST')); break; // LIST
      case 0x64: { const d = new PyDict(); setItems(d, popMark('DICT'), 'DICT'); stack.push(d); break; } // DICT
      case 0x58: stack.push(text(u32('BINUNICODE'), 'BINUNICODE')); break; // BINUNICODE
      case 0x8c: stack.push(text(u8('SHORT_BINUNICODE'), 'SHORT_BINUNICODE')); break;
      case 0x55: stack.push(text(u8('SHORT_BINSTRING'), 'SHORT_BINSTRING')); break;
      case 0x54: stack.push(text(u32('BINSTRING'), 'BINSTRING')); break;
      case 0x43: stack.push(Uint8Array.from(bytes(u8('SHORT_BINBYTES'), 'SHORT_BINBYTES'))); break;
      case 0x42: stack.push(Uint8Array.from(bytes(u32('BINBYTES'), 'BINBYTES'))); break;
      case 0x4a: { need(4, 'BININT'); stack.push(dv.getInt32(pos, true)); pos += 4; break; } // BININT
      case 0x4b: stack.push(u8('BININT1')); break;
      case 0x4d: stack.push(u16('BININT2')); break;
      case 0x8a: { // LONG1
        const n = u8('LONG1');
        if (n > 8) throw new WeightsFormatError('integer too large', { file, op: 'LONG1' });
        const b = bytes(n, 'LONG1');
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && (b[n - 1] & 0x80) !== 0) v -= 1n << BigInt(8 * n);
        stack.push(Number(v));
        break;
      }
      case 0x47: { need(8, 'BINFLOAT'); stack.push(dv.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4e: stack.push(null); break; // NONE
      case 0x71: memo.set(u8('BINPUT'), top('BINPUT')); break;
      case 0x72: memo.set(u32('LONG_BINPUT'), top('LONG_BINPUT')); break;
      case 0x94: memo.set(memo.size, top('MEMOIZE')); break;
      case 0x68: stack.push(memoGet(u8('BINGET'), 'BINGET')); break;
      case 0x6a: stack.push(memoGet(u32('LONG_BINGET'), 'LONG_BINGET')); break;
      case 0x30: pop('POP'); break;
      case 0x31: popMark('POP_MARK'); break;
      case 0x32: stack.push(top('DUP')); break;
      case 0x63: { const mod = line('GLOBAL'); const name = line('GLOBAL'); stack.push(global(`${mod}.${name}`, 'GLOBAL')); break; }
      case 0x93: { // STACK_GLOBAL
        const name = pop('STACK_GLOBAL'); const mod = pop('STACK_GLOBAL');
        if (typeof name !== 'string' || typeof mod !== 'string') throw new UnsafePickleError('STACK_GLOBAL without names', { file, op: 'STACK_GLOBAL' });
        stack.push(global(`${mod}.${name}`, 'STACK_GLOBAL'));
        break;
      }
      case 0x51: stack.push(persistentLoad(pop('BINPERSID'), file)); break; // BINPERSID
      case 0x52: { // REDUCE
        const args = pop('REDUCE'); const fn = pop('REDUCE');
        if (!(fn instanceof PyGlobal) || !(args instanceof PyTuple)) throw new UnsafePickleError('REDUCE of a non-global', { file, op: 'REDUCE' });
        stack.push(callGlobal(fn, args, file));
        break;
      }
      case 0x62: { // BUILD
        const state = pop('BUILD'); const obj = top('BUILD');
        if (obj instanceof PyDict) obj.state = state;
        else if (!(obj instanceof TensorRef)) throw new UnsafePickleError('BUILD on an unsupported object', { file, op: 'BUILD' });
        break;
      }
      case 0x73: { const v = pop('SETITEM'); const k = pop('SETITEM'); setItems(top('SETITEM'), [k, v], 'SETITEM'); break; }
      case 0x75: { const kv = popMark('SETITEMS'); setItems(top('SETITEMS'), kv, 'SETITEMS'); break; }
      case 0x61: { const v = pop('APPEND'); const l = top('APPEND'); if (!Array.isArray(l)) throw new WeightsFormatError('APPEND to a non-list', { file, op: 'APPEND' }); l.push(v); break; }
      case 0x65: { const vs = popMark('APPENDS'); const l = top('APPENDS'); if (!Array.isArray(l)) throw new WeightsFormatError('APPENDS to a non-list', { file, op: 'APPENDS' }); l.push(...vs); break; }
      default:
        throw new UnsafePickleError(`opcode 0x${code.toString(16).padStart(2, '0')} ('${String.fromCharCode(code)}') at byte ${at} is not allowed`, { file, op: `0x${code.toString(16)}` });
    }
  }
}
