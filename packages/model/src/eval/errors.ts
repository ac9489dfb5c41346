/** Typed errors of the COCO evaluator. */
import { MrcnnError } from '../errors';

/** An annotation or results file does not have the COCO layout; `where` names the file/entry at fault. */
export class CocoFormatError extends MrcnnError {
  readonly where: string;

  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.where = where;
  }
}
