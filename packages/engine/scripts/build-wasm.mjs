#!/usr/bin/env node
/**
 * Builds csrc/*.c (roi_align.c, winograd.c, gemm.c) into one wasm module for the wasm kernels, with
 * Debian clang/wasm-ld (no Emscripten, no libc):
 *   wasm/kernels.wasm         imports a non-shared memory (tfjs-wasm without threads: Node, most pages)
 *   wasm/kernels-shared.wasm  imports a shared memory (tfjs-wasm's threaded SIMD build)
 *   wasm/gemm-fma.wasm, gemm-fma-shared.wasm   gemm.c (+ winograd.c for its transform jobs), its micro-kernel on relaxed-simd's
 *                             f32x4.relaxed_madd (FMA where the CPU has it; used where the runtime
 *                             validates relaxed SIMD: Chromium >= 114, Node >= 22 or 20 with
 *                             --experimental-wasm-relaxed-simd)
 * and src/kernels/wasm/kernels_binary.ts, the same bytes in base64 so that the kernels load
 * without file paths or fetches (Node and bundlers alike).
 * clang 14 knows relaxed_madd only by its prototype encoding (`f32x4.fma`, 0xfd 0xaf 0x01); each
 * one found by llvm-objdump in the linked module is re-encoded as the final opcode 0x105
 * (0xfd 0x85 0x02, same length), and the result must validate in V8 with relaxed SIMD on.
 * Checks that each module imports only env.memory, has no data segment and never touches the
 * shadow stack (it would write into tfjs's heap). Without clang it keeps the committed outputs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['roi_align.c', 'winograd.c', 'gemm.c'].map((f) => join(pkg, 'csrc', f));
/** The fma variants: gemm.c (with the Winograd transforms its job runner calls), relaxed SIMD, -DGEMM_FMA. */
const FMA_SOURCES = ['winograd.c', 'gemm.c'].map((f) => join(pkg, 'csrc', f));
/** Every entry point the TypeScript side calls (src/kernels/wasm/kernels_module.ts). */
const EXPORTS = ['multi_level_roi_align', 'winograd_input_transform', 'winograd_output_transform',
  'gemm_run'];
const FMA_EXPORTS = ['gemm_run'];
const outDir = join(pkg, 'wasm');
const tsOut = join(pkg, 'src', 'kernels', 'wasm', 'kernels_binary.ts');
const CFLAGS = ['--target=wasm32', '-msimd128', '-mbulk-memory', '-O3', '-nostdlib', '-ffreestanding', '-Wall', '-Wextra', '-Werror'];

function have(tool) {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Section ids of a wasm binary (11 = data). */
function sectionIds(bytes) {
  const ids = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0; let shift = 0; let b;
    do { b = bytes[p++]; size |= (b & 127) << shift; shift += 7; } while (b & 128);
    ids.push(id);
    p += size;
  }
  return ids;
}

function check(name, bytes, objectFiles, exports) {
  const mod = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(mod);
  if (imports.length !== 1 || imports[0].module !== 'env' || imports[0].name !== 'memory' || imports[0].kind !== 'memory') {
    throw new Error(`${name}: must import only env.memory, imports ${JSON.stringify(imports)}`);
  }
  const exported = WebAssembly.Module.exports(mod).map((e) => e.name);
  for (const e of exports) if (!exported.includes(e)) throw new Error(`${name}: export ${e} missing`);
  if (sectionIds(bytes).includes(11)) throw new Error(`${name}: has a data segment`);
  for (const obj of objectFiles) {
    const disasm = execFileSync('llvm-objdump', ['-d', obj], { encoding: 'utf8' });
    if (/global\.(get|set)|__stack_pointer/.test(disasm)) throw new Error(`${name}: ${obj} uses the shadow stack`);
  }
}

/** Start of the code section's contents (llvm-objdump's offsets count from there). */
function codeSectionStart(bytes) {
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0; let shift = 0; let b;
    do { b = bytes[p++]; size |= (b & 127) << shift; shift += 7; } while (b & 128);
    if (id === 10) return p;
    p += size;
  }
  throw new Error('no code section');
}

/** Re-encodes clang 14's f32x4.fma (0xfd 0xaf 0x01) as relaxed-simd's f32x4.relaxed_madd (0xfd 0x85 0x02). */
function encodeRelaxedMadd(file) {
  const bytes = readFileSync(file);
  const base = codeSectionStart(bytes);
  const disasm = execFileSync('llvm-objdump', ['-d', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  let count = 0;
  for (const line of disasm.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+fd af 01\s+f32x4\.fma\b/.exec(line);
    if (!m) continue;
    const at = base + parseInt(m[1], 16);
    if (bytes[at] !== 0xfd || bytes[at + 1] !== 0xaf || bytes[at + 2] !== 0x01) throw new Error(`${file}: no f32x4.fma at byte ${at}`);
    bytes[at + 1] = 0x85;
    bytes[at + 2] = 0x02;
    count++;
  }
  if (count === 0) throw new Error(`${file}: no f32x4.fma to re-encode`);
  setFlagsFromString('--experimental-wasm-relaxed-simd'); // Node 20; a no-op where it is on already
  if (!WebAssembly.validate(bytes)) throw new Error(`${file}: does not validate after re-encoding ${count} f32x4.fma`);
  writeFileSync(file, bytes);
  return count;
}

function build() {
  const tmp = mkdtempSync(join(tmpdir(), 'engine-kernels-'));
  try {
    mkdirSync(outDir, { recursive: true });
    const shared = { cflags: ['-matomics'], ldflags: ['--shared-memory', '--max-memory=4294967296'] };
    const variants = [
      { file: 'kernels.wasm', cflags: [], ldflags: [] },
      { file: 'kernels-shared.wasm', ...shared },
      { file: 'gemm-fma.wasm', cflags: [], ldflags: [], fma: true },
      { file: 'gemm-fma-shared.wasm', ...shared, fma: true },
    ];
    const built = {};
    for (const v of variants) {
      const objs = (v.fma ? FMA_SOURCES : SOURCES).map((src, i) => {
        const obj = join(tmp, `${v.file}.${i}.o`);
        const fma = v.fma ? ['-mrelaxed-simd', '-DGEMM_FMA'] : [];
        execFileSync('clang', [...CFLAGS, ...v.cflags, ...fma, '-c', src, '-o', obj], { stdio: 'inherit' });
        return obj;
      });
      execFileSync('wasm-ld', ['--no-entry', '--import-memory', '--strip-all', ...v.ldflags, '-o', join(outDir, v.file), ...objs], { stdio: 'inherit' });
      const madds = v.fma ? encodeRelaxedMadd(join(outDir, v.file)) : 0;
      const bytes = readFileSync(join(outDir, v.file));
      check(v.file, bytes, objs, v.fma ? FMA_EXPORTS : EXPORTS);
      built[v.file] = bytes.toString('base64');
      console.log(`build-wasm: wasm/${v.file} ${bytes.length} bytes${v.fma ? ` (${madds} relaxed_madd)` : ''}`);
    }
    writeFileSync(tsOut, [
      '/** Generated by scripts/build-wasm.mjs from csrc/*.c: do not edit. */',
      `export const KERNELS_WASM_BASE64 = '${built['kernels.wasm']}';`,
      `export const KERNELS_SHARED_WASM_BASE64 = '${built['kernels-shared.wasm']}';`,
      `export const GEMM_FMA_WASM_BASE64 = '${built['gemm-fma.wasm']}';`,
      `export const GEMM_FMA_SHARED_WASM_BASE64 = '${built['gemm-fma-shared.wasm']}';`,
      '',
    ].join('\n'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (have('clang') && have('wasm-ld') && have('llvm-objdump')) {
  build();
} else if (existsSync(tsOut)) {
  console.log('build-wasm: clang/wasm-ld/llvm-objdump not found; keeping the committed wasm/ and kernels_binary.ts');
} else {
  console.error('build-wasm: clang/wasm-ld not found and no committed build outputs');
  process.exit(1);
}
