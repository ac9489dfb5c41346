/**
 * tfjs-backend-wasm's C++ backend caps its XNNPACK pool at emscripten_num_logical_cores() / 2,
 * i.e. navigator.hardwareConcurrency / 2 in a browser, read once while the module initialises.
 * To honour an explicit thread count above that cap, the count is shadowed on the navigator
 * object for the duration of the initialisation and restored afterwards.
 */
export async function withBrowserLogicalCores<T>(count: number, body: () => Promise<T>): Promise<T> {
  const nav: unknown = typeof navigator === 'undefined' ? undefined : navigator;
  if (typeof nav !== 'object' || nav === null || Number(Reflect.get(nav, 'hardwareConcurrency')) >= count) return body();
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  Object.defineProperty(nav, 'hardwareConcurrency', { value: count, configurable: true });
  try {
    return await body();
  } finally {
    if (own === undefined) Reflect.deleteProperty(nav, 'hardwareConcurrency');
    else Object.defineProperty(nav, 'hardwareConcurrency', own);
  }
}
