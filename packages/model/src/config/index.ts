/**
 * Architecture configuration of the network: two defaults (`DEFAULT_0049_CONFIG`,
 * `DEFAULT_TORCHVISION_CONFIG`) and one `resolveConfig()` that merges a partial configuration over
 * a base and validates the result. Types: types.ts; values: defaults.ts; checks: validate.ts.
 */
import { DEFAULT_0049_CONFIG } from './defaults';
import { DeepPartial, ModelConfig } from './types';
import { isPlainObject, validateConfig } from './validate';

export * from './types';
export { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, widthDivOverrides } from './defaults';
export { anchorsPerLocation } from './validate';

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** Merges `partial` over `base` (default: 0049) and validates; throws `ConfigError`. */
export function resolveConfig(partial: DeepPartial<ModelConfig> = {}, base: ModelConfig = DEFAULT_0049_CONFIG): ModelConfig {
  const merged = merge(base, partial);
  return validateConfig(merged);
}
