/**
 * `resolveConfig()`: merges a partial configuration over a base (default: 0049) and validates the
 * result into a fresh, exactly-typed `ModelConfig`. Types: types.ts; values: defaults.ts,
 * variants.ts; checks: validate.ts.
 */
import { DEFAULT_0049_CONFIG } from './defaults';
import { DeepPartial, ModelConfig } from './types';
import { isPlainObject, validateConfig } from './validate';

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** Merges `partial` over `base` (default: 0049) and validates; throws `ConfigError` naming the field. */
export function resolveConfig(partial: DeepPartial<ModelConfig> = {}, base: ModelConfig = DEFAULT_0049_CONFIG): ModelConfig {
  const merged = merge(base, partial);
  return validateConfig(merged);
}
