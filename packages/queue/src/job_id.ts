/**
 * BullMQ job ids of a run's images: `img-` + the image's stable key, with `%` and `:` escaped
 * (BullMQ refuses ids holding `:` and ids that are integers; the prefix rules out the latter).
 * Adding a job whose id exists adds nothing, which makes enqueueing idempotent.
 */

export function jobIdOf(key: string): string {
  return `img-${key.replace(/[%:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** The key a job id was made from. */
export function keyOfJobId(id: string): string {
  return decodeURIComponent(id.replace(/^img-/, ''));
}
