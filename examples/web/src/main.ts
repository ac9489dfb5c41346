/**
 * The demo page: pick a backend and a model, pick / drop an image (or a sample), and see the
 * instances drawn over it with the time of each stage. URL parameters (for links and tests):
 * `?backend=<a registered browser backend: webgl (default), webgpu, wasm, cpu>&model=<model.json URL>&score=<threshold>`
 * (default score: the model's own, `config.detection.defaultScoreThreshold`).
 * A backend that cannot start here (e.g. webgpu in a browser without WebGPU) falls back, as
 * onnxruntime-web's execution-provider list does, to the next of FALLBACK_BACKENDS, with a notice.
 * A model from a URL loads with a progress bar and stays in the browser's Cache API: the next
 * visit reads it from there with no download.
 */
import { initBackend, registeredBackends, runsIn } from '@mrcnn/engine';
import { DetectStage, FetchProgress, Instance, load, Model } from '@mrcnn/model';
import { colourOf, drawBoxes, drawMasks, resizeLayers } from './overlay';
import { defaultSource as embeddedSource, filesSource, ModelSource, urlSource } from './model_source';
import { mountVideoPanel } from './video_panel';

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`demo page: no element #${id}`);
  return e as T;
}

const ui = {
  status: el<HTMLDivElement>('status'),
  notice: el<HTMLDivElement>('notice'),
  backend: el<HTMLSelectElement>('backend'),
  modelChoice: el<HTMLSelectElement>('model-choice'),
  modelFiles: el<HTMLInputElement>('model-files'),
  modelUrl: el<HTMLInputElement>('model-url'),
  progress: el<HTMLProgressElement>('model-progress'),
  score: el<HTMLInputElement>('score'),
  modelInfo: el<HTMLParagraphElement>('model-info'),
  imageInput: el<HTMLInputElement>('image-input'),
  drop: el<HTMLDivElement>('drop-zone'),
  imageLayer: el<HTMLCanvasElement>('image-layer'),
  maskLayer: el<HTMLCanvasElement>('mask-layer'),
  boxLayer: el<HTMLCanvasElement>('box-layer'),
  stages: el<HTMLTableElement>('stages'),
  instances: el<HTMLOListElement>('instances'),
};

type State = 'idle' | 'loading' | 'ready' | 'running' | 'done' | 'error';

function setStatus(state: State, text: string): void {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

for (const entry of registeredBackends().filter((e) => runsIn(e, 'browser'))) ui.backend.add(new Option(entry.name, entry.name));

/** Tried in order when the chosen backend cannot start (the default first; wasm runs everywhere). */
const FALLBACK_BACKENDS = ['webgl', 'wasm'];

const params = new URLSearchParams(location.search);
const modelParam = params.get('model');
const defaultSource = modelParam === null ? embeddedSource() : urlSource(modelParam);
ui.backend.value = params.get('backend') ?? 'webgl';
ui.score.value = params.get('score') ?? '';
/** Whether the score came from the URL or the user (else each model's own default fills it). */
let scoreChosen = params.has('score');
if (params.has('model')) ui.modelChoice.options[0].textContent = defaultSource.name;

let source: ModelSource = defaultSource;
let current: { model: Model; backend: string; source: ModelSource; fromCache: boolean } | undefined;
let image: ImageData | undefined;
let busy: Promise<void> = Promise.resolve();
const timings: Array<[string, number]> = [];

function showStages(): void {
  const body = ui.stages.tBodies[0];
  body.replaceChildren(...timings.map(([name, ms]) => row(name, ms)));
  const run = timings.filter(([n]) => !n.startsWith('init') && !n.startsWith('load'));
  if (run.length > 0) {
    const total = row('detect total', run.reduce((s, [, ms]) => s + ms, 0));
    total.className = 'total';
    body.append(total);
  }
}

function row(name: string, ms: number): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const a = document.createElement('td');
  const b = document.createElement('td');
  a.textContent = name;
  b.textContent = ms.toFixed(1);
  tr.append(a, b);
  return tr;
}

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  timings.push([name, performance.now() - t0]);
  return out;
}

function showNotice(text: string): void {
  ui.notice.textContent = text;
  ui.notice.hidden = false;
}

/**
 * Initialises the chosen backend, or the first of FALLBACK_BACKENDS that starts when it cannot:
 * the one that failed is disabled in the list (with why) and the notice says what runs instead.
 * Returns the backend that runs.
 */
async function startBackend(chosen: string): Promise<string> {
  const opts = { wasmPaths: new URL('tfjs-wasm/', document.baseURI).href };
  const failures: string[] = [];
  for (const name of [chosen, ...FALLBACK_BACKENDS.filter((b) => b !== chosen)]) {
    const option = Array.from(ui.backend.options).find((o) => o.value === name);
    if (option?.disabled) continue;
    try {
      setStatus('loading', `Initialising ${name} and loading ${source.name}…`);
      await timed(`init ${name}`, () => initBackend(name, opts));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      failures.push(`${name}: ${why.replace(/^initBackend: /, '')}`);
      if (option) {
        option.disabled = true;
        option.textContent = `${name} (not available here)`;
      }
      continue;
    }
    if (failures.length > 0) {
      showNotice(`Could not start ${failures.join('; ')}. Running on ${name} instead.`);
      ui.backend.value = name;
    }
    return name;
  }
  throw new Error(failures.join('; '));
}

/** The loaded model for the chosen backend and source (re-loaded when either changes). */
async function ensureModel(): Promise<Model> {
  const chosen = ui.backend.value;
  if (current && current.backend === chosen && current.source === source) return current.model;
  current?.model.dispose();
  current = undefined;
  timings.length = 0;
  const backend = await startBackend(chosen);
  let fromCache = false;
  const onFetchProgress = (p: FetchProgress): void => {
    fromCache = p.phase === 'cache';
    showFetch(p);
  };
  const options = typeof source.source === 'string' && source.cache ? { cache: true, onFetchProgress } : {};
  const model = await timed('load model', () => load(source.source, options)).finally(() => { ui.progress.hidden = true; }).catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    if (source !== defaultSource || params.has('model')) throw e;
    throw new Error(`${msg.replace(/\.+$/, '')}. The default model is not in this build (packages/model/default-model): pick a converted model.json and its shards.`);
  });
  current = { model, backend, source, fromCache };
  if (!scoreChosen) ui.score.value = String(model.config.detection.defaultScoreThreshold);
  describeModel(model, source === defaultSource && !params.has('model'));
  showStages();
  return model;
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** The model's download (or cache read) on the progress bar and the status line. */
function showFetch(p: FetchProgress): void {
  ui.progress.hidden = false;
  ui.progress.max = p.total ?? 1;
  ui.progress.value = p.total === undefined ? 0 : p.bytes;
  const pct = p.total ? ` (${Math.floor((100 * p.bytes) / p.total)}%)` : '';
  const rate = p.bytesPerSecond > 0 && p.phase === 'download' ? `, ${mib(p.bytesPerSecond)}/s` : '';
  const eta = p.etaSeconds !== undefined && !p.done && p.phase === 'download' ? `, ETA ${Math.ceil(p.etaSeconds)} s` : '';
  const verb = p.phase === 'cache' ? 'Reading from the browser cache' : 'Downloading';
  setStatus('loading', `${verb} ${source.name}: ${mib(p.bytes)}${p.total ? ` of ${mib(p.total)}` : ''}${pct}${rate}${eta}`);
}

/** Says what the loaded model detects (its name and classes), so that no one expects cats from a shapes model. */
function describeModel(model: Model, embedded: boolean): void {
  const classes = model.labels.slice(1);
  const shown = classes.length > 12 ? `${classes.slice(0, 12).join(', ')}, … (${classes.length} classes)` : classes.join(', ');
  ui.modelInfo.textContent = `Model ${model.config.name} detects: ${shown}.` + (embedded
    ? ' It is the small embedded default model, trained on synthetic shapes: on photos (the cat, the astronaut) '
      + 'it finds only shape-like regions. For COCO objects load a converted instance-segmentation-security-0049 or torchvision model.'
    : '');
}

function showInstances(instances: readonly Instance[]): void {
  ui.instances.replaceChildren(...instances.map((inst, k) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    const [r, g, b] = colourOf(k);
    sw.className = 'swatch';
    sw.style.background = `rgb(${r},${g},${b})`;
    const [x1, y1, x2, y2] = inst.box.map((v) => Math.round(v));
    li.append(sw, `${inst.label} ${inst.score.toFixed(3)} [${x1}, ${y1}, ${x2}, ${y2}]`);
    return li;
  }));
}

async function detect(): Promise<void> {
  const model = await ensureModel();
  if (image === undefined) {
    const cached = current?.fromCache ? ' (from the browser cache)' : '';
    setStatus('ready', `${current?.source.name} on ${model.backend}${cached}: pick or drop an image`);
    return;
  }
  setStatus('running', `Running on ${model.backend}…`);
  const kept = timings.filter(([n]) => n.startsWith('init') || n.startsWith('load'));
  timings.length = 0;
  timings.push(...kept);
  const scoreThreshold = Math.min(1, Math.max(0, Number(ui.score.value) || 0));
  const instances = await model.detect(image, {
    scoreThreshold,
    onStage: (stage: DetectStage, ms: number) => { timings.push([stage, ms]); },
  });
  drawMasks(ui.maskLayer, instances);
  drawBoxes(ui.boxLayer, instances);
  showInstances(instances);
  showStages();
  setStatus('done', `${instances.length} instance${instances.length === 1 ? '' : 's'} with score ≥ ${scoreThreshold} (${model.backend})`);
}

/** Runs UI actions one at a time; failures show in the status line. */
function act(fn: () => Promise<void>): void {
  busy = busy.then(fn).catch((e: unknown) => {
    console.error(e);
    setStatus('error', e instanceof Error ? e.message : String(e));
  });
}

async function showImage(blob: Blob): Promise<void> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  resizeLayers(bitmap.width, bitmap.height, ui.imageLayer, ui.maskLayer, ui.boxLayer);
  const ctx = ui.imageLayer.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw new Error('image layer: no 2d context');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  image = ctx.getImageData(0, 0, ui.imageLayer.width, ui.imageLayer.height);
  ui.drop.dataset.empty = 'false';
  await detect();
}

ui.imageInput.addEventListener('change', () => {
  const f = ui.imageInput.files?.[0];
  if (f) act(() => showImage(f));
});
ui.drop.addEventListener('dragover', (e) => { e.preventDefault(); ui.drop.classList.add('dragging'); });
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('dragging'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('dragging');
  const f = e.dataTransfer?.files[0];
  if (f) act(() => showImage(f));
});
for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-sample]')) {
  b.addEventListener('click', () => act(async () => {
    const res = await fetch(b.dataset.sample ?? '');
    if (!res.ok) throw new Error(`sample ${b.dataset.sample}: HTTP ${res.status}`);
    await showImage(await res.blob());
  }));
}
ui.backend.addEventListener('change', () => act(detect));
ui.score.addEventListener('change', () => { scoreChosen = true; act(detect); });
ui.modelChoice.addEventListener('change', () => {
  ui.modelUrl.hidden = ui.modelChoice.value !== 'url';
  if (ui.modelChoice.value === 'files') ui.modelFiles.click();
  else if (ui.modelChoice.value === 'url') {
    ui.modelUrl.focus();
    if (ui.modelUrl.value !== '') act(async () => { source = urlSource(ui.modelUrl.value); await detect(); });
  } else act(async () => { source = defaultSource; await detect(); });
});
ui.modelUrl.addEventListener('change', () => {
  const url = ui.modelUrl.value.trim();
  if (url !== '') act(async () => { source = urlSource(url); await detect(); });
});
ui.modelFiles.addEventListener('change', () => {
  const files = Array.from(ui.modelFiles.files ?? []);
  if (files.length > 0) act(async () => { source = filesSource(files); await detect(); });
});

act(detect);
// The video panel (webcam or file, tracking) borrows the page's model and score threshold.
mountVideoPanel({ model: ensureModel, scoreThreshold: () => Math.min(1, Math.max(0, Number(ui.score.value) || 0)) });
