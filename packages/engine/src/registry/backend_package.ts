/**
 * The tfjs backend packages are optional peer dependencies of @mrcnn/engine (package.json): an
 * application installs the ones it uses next to @tensorflow/tfjs-core, and its own copies are the
 * ones that run (never a second tfjs). A registry entry loads its package on `init` through
 * `importBackendPackage`, which turns "not installed" into an EngineBackendError saying what to
 * install, instead of a bare module-resolution failure.
 */
import { EngineBackendError } from '../errors';

/** The peer range this engine is built and tested against (package.json peerDependencies). */
export const TFJS_PEER_RANGE = '^4.22.0';

function isModuleNotFound(e: unknown, pkg: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(message))
    && message.includes(pkg);
}

/** `load()` (a dynamic import of `pkg`), or EngineBackendError naming the package to install when it is not. */
export async function importBackendPackage<T>(backend: string, pkg: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    if (!isModuleNotFound(cause, pkg)) throw cause;
    throw new EngineBackendError(`initBackend('${backend}'): ${pkg} is not installed; it is an optional peer dependency of @mrcnn/engine: `
      + `npm install ${pkg}@${TFJS_PEER_RANGE}`, { cause });
  }
}
