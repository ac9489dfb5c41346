/**
 * The server's Prometheus metrics (prom-client), in a registry of its own (several servers in one
 * process do not mix): HTTP requests by route and status, inference requests by outcome, inference
 * latency and queue wait histograms, queue depth and in-flight gauges, model load time, worker
 * restarts and tensors, readiness, and prom-client's default process metrics (resident memory,
 * heap, event-loop lag, ...). Served as text at GET /metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How an inference request ended. */
export type InferOutcome =
  | 'success'
  /** 4xx: the request was refused (bad input, unknown model or output). */
  | 'invalid'
  /** 503: queue full, model not ready or server draining. */
  | 'rejected'
  /** 504: the per-request timeout passed. */
  | 'timeout'
  /** 500: the worker running it crashed. */
  | 'crash'
  /** 500: any other failure. */
  | 'error';

/** Live figures the gauges read when scraped. */
export interface MetricSources {
  queued(): number;
  running(): number;
  ready(): boolean;
}

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly inferRequests: Counter<'outcome'>;
  readonly inferDuration: Histogram<'input'>;
  readonly queueWait: Histogram;
  readonly modelLoad: Gauge;
  readonly workerRestarts: Counter<'cause'>;
  readonly workerTensors: Gauge;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'mrcnn_http_requests_total', help: 'HTTP requests answered, by method, route and status code',
      labelNames: ['method', 'route', 'status'], registers,
    });
    this.inferRequests = new Counter({
      name: 'mrcnn_infer_requests_total',
      help: 'Inference requests by outcome: success, invalid (4xx), rejected (503: queue full, not ready, draining), timeout (504), crash and error (500)',
      labelNames: ['outcome'], registers,
    });
    this.inferDuration = new Histogram({
      name: 'mrcnn_infer_duration_seconds', help: 'Successful inference requests: body received to response ready (queue wait included), by input kind',
      labelNames: ['input'], buckets: LATENCY_BUCKETS, registers,
    });
    this.queueWait = new Histogram({
      name: 'mrcnn_infer_queue_wait_seconds', help: 'Time inference tasks waited for a worker', buckets: LATENCY_BUCKETS, registers,
    });
    new Gauge({
      name: 'mrcnn_infer_queue_depth', help: 'Inference tasks waiting for a worker', registers,
      collect() { this.set(sources.queued()); },
    });
    new Gauge({
      name: 'mrcnn_infer_in_flight', help: 'Inference tasks running on a worker', registers,
      collect() { this.set(sources.running()); },
    });
    new Gauge({
      name: 'mrcnn_model_ready', help: '1 when the model is loaded and the server takes inference requests', registers,
      collect() { this.set(sources.ready() ? 1 : 0); },
    });
    this.modelLoad = new Gauge({
      name: 'mrcnn_model_load_seconds', help: 'Time the most recently started worker took to load the model', registers,
    });
    this.workerRestarts = new Counter({
      name: 'mrcnn_worker_restarts_total', help: 'Workers replaced, by cause: crash (died running a task), abort (terminated at a timeout), idle (died without a task)',
      labelNames: ['cause'], registers,
    });
    this.workerTensors = new Gauge({
      name: 'mrcnn_worker_tensors', help: 'tf.memory().numTensors of the worker that answered last (constant unless tensors leak)', registers,
    });
  }
}
