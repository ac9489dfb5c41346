/**
 * @mrcnn/model/internal: building blocks that are not the package's API but that its tests, the
 * benchmarks and @mrcnn/cli use. No stability promise: names here may change with the code.
 * The public API is ./index (`@mrcnn/model`); both entry points share the same modules.
 */
// model.json reading without the weights (mrcnn info / detect)
export { validateManifest, checkRelativePath } from './io/manifest';
export { readStoredConfig } from './io/stored_config';
export type { StoredConfigOptions } from './io/stored_config';
export type { ValidatedManifest, ValidatedGroup } from './io/manifest';
// named models through @mrcnn/hub (an optional peer, resolved by name) and the URL handler
export { resolveNamedModel, loadHub, HUB_PACKAGE } from './io/named_model';
export type { NamedModelResolver } from './io/named_model';
export { urlModelHandler } from './io/url_handler';
export type { UrlHandlerOptions } from './io/url_handler';
// stage outputs of the network (parity tests, the bench's stage profile)
export type { PyramidFeatures } from './network/fpn';
export type { RpnLevelOutput } from './network/rpn_head';
// post-processing pieces
export { expandedBox } from './postprocess/paste';
export { torchvisionExpandedBox, torchvisionOriginalBox } from './postprocess/torchvision_paste';
// the image transforms (card, torchvision) as detect runs them (the bench's preprocess and paste stages)
export { imageTransform } from './transform/image_transform';
export type { ImageTransform } from './transform/image_transform';
export type { InputGeometry } from './preprocess/geometry';
export { countsFromString, countsToString, decodeRleCounts, encodeRleCounts } from './postprocess/rle';
// overlay rendering (mrcnn detect)
export { encodePng, renderOverlay } from './render/overlay';
export type { DrawableInstance, OverlayOptions } from './render/overlay';
// the whole COCO evaluator: data-set validation, RLE operations, parameters, results conversion
export * from './eval';
