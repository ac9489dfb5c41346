/**
 * @mrcnn/video: video and camera streams for @mrcnn/model, in Node and browsers (this entry has no
 * Node imports). `detectVideo(model, frames)` turns an async iterable of frames into per-frame
 * instances, track events (`IouTracker`) and source events; `jsonLine` / `motRows` format them.
 * Frames come from `videoElementFrames` (a <video>: webcam or file) in a browser, and from
 * `@mrcnn/video/node` (the system ffmpeg: files, RTSP, V4L2 devices) in Node. See README.md.
 */
export { detectVideo } from './detect_video';
export type { DetectVideoOptions } from './detect_video';
export { FrameInputSlot } from './input_slot';
export type { SlotInput } from './input_slot';
export { IouTracker } from './tracking/tracker';
export type { Detection, FrameStamp, TrackerOptions, TrackerUpdate } from './tracking/tracker';
export { assign, hungarian } from './tracking/assignment';
export type { AssignmentMethod, Match } from './tracking/assignment';
export { boxIoU, iouMatrix } from './tracking/iou';
export { BoundedQueue, readAhead } from './pipeline/bounded_queue';
export type { BoundedQueueOptions, QueueMode } from './pipeline/bounded_queue';
export { eventRecord, jsonLine } from './export/jsonl';
export { motRows } from './export/mot';
export type { MotOptions } from './export/mot';
export { videoElementFrames } from './browser/video_element_frames';
export type { VideoElementFramesOptions } from './browser/video_element_frames';
export { VideoSourceError, CorruptVideoError, VideoOutputError } from './errors';
export type {
  EndEvent, Frame, FrameImage, FrameInstance, FrameResult, SourceEvent, SourceItem, SourceLostEvent, SourceRestoredEvent,
  TrackEvent, TrackSnapshot, VideoEvent,
} from './types';
