/** Input format from the file name and its first bytes. */
import { WeightsFormatError } from '../errors';
import { isLegacyPth } from '../readers/pth_legacy';

export type InputFormat = 'pth' | 'onnx' | 'ir';

export function detectFormat(file: string, head: Uint8Array): InputFormat {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  const text = new TextDecoder().decode(head.subarray(0, 256)).trimStart();
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'pth';
  if (isLegacyPth(head)) return 'pth'; // torch.save before torch 1.6
  if (text.startsWith('<?xml') || text.startsWith('<net')) return 'ir';
  if (name.endsWith('.onnx')) return 'onnx';
  if (name.endsWith('.xml')) return 'ir';
  if (name.endsWith('.pth') || name.endsWith('.pt')) return 'pth';
  // ModelProto starts with ir_version (field 1, varint): tag byte 0x08.
  if (head.length > 1 && head[0] === 0x08) return 'onnx';
  throw new WeightsFormatError('unknown input format (expected .pth, .onnx or an OpenVINO .xml with its .bin)', { file });
}
