/**
 * The queue's errors. Every one extends `MrcnnError` of @mrcnn/schema and names the queue, Redis
 * address, file or argument at fault.
 */
import { MrcnnError } from '@mrcnn/schema';

/** A queue operation was refused or failed: bad Redis URL or queue name, no run, another run, Redis unreachable. */
export class QueueError extends MrcnnError {}
