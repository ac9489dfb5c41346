/**
 * @mrcnn/video/node: the Node side of @mrcnn/video — frames from the system ffmpeg (files, RTSP
 * cameras pulled or listened for, V4L2 devices, other URLs) with backpressure, stale-frame dropping
 * and reconnection for live sources; the H.264 overlay encoder; per-frame flushed line files;
 * `runVideo`, the pipeline behind `mrcnn video`. See README.md.
 */
export { openVideoSource, VideoSource } from './video_source';
export type { FrameReader, ReconnectOptions, VideoSourceOptions, VideoSourceStats } from './source_options';
export { sourceSpec, decoderArgs } from './source_spec';
export type { SourceKind, SourceSpec, SourceSpecOptions } from './source_spec';
export { FileReader } from './file_reader';
export { LiveReader } from './live_reader';
export { FfmpegDecoder } from './ffmpeg_decoder';
export type { DecoderExit, RawFrame } from './ffmpeg_decoder';
export { FfmpegLog } from './ffmpeg_log';
export type { ShowinfoRecord } from './ffmpeg_log';
export { ffmpegBinary, ffmpegEncoders, FFMPEG_INSTALL_HINT } from './ffmpeg_binary';
export { OverlayEncoder } from './overlay_encoder';
export type { OverlayEncoderOptions } from './overlay_encoder';
export { LineFile } from './line_file';
export { runVideo } from './run_video';
export type { RunVideoOptions, VideoRunSummary } from './run_video';
