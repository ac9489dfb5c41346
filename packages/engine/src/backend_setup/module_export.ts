/** Reading an export of a CommonJS module reached through `import()` (tfjs-backend-wasm's wasm-out files). */

/**
 * A CommonJS module's export, whether `import()` returned module.exports itself (CommonJS output
 * without esModuleInterop) or a namespace wrapping it (`default`).
 */
export function exportOf(mod: unknown, key: string): unknown {
  if (key === 'default' && typeof mod === 'function') return mod;
  if ((typeof mod !== 'object' && typeof mod !== 'function') || mod === null) return undefined;
  const v: unknown = Reflect.get(mod, key);
  if (v !== undefined) return v;
  const inner: unknown = Reflect.get(mod, 'default');
  return typeof inner === 'object' && inner !== null ? Reflect.get(inner, key) : undefined;
}
