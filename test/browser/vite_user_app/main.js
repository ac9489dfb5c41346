// A user's app, as README.md's "Bundlers" section sets it up: the tfjs backend's .wasm files
// served under tfjs-wasm/, a converted model under model/.
import { initBackend } from '@mrcnn/engine';
import { load } from '@mrcnn/model';

window.run = async () => {
  const enabled = await initBackend('wasm', { wasmPaths: new URL('tfjs-wasm/', document.baseURI).href });
  const model = await load(new URL('model/model.json', document.baseURI).href);
  try {
    const bytes = new Uint8Array(await (await fetch('model/demo.png')).arrayBuffer());
    const found = await model.detect(bytes);
    return { enabled, name: model.config.name, found: found.map((d) => ({ label: d.label, score: d.score, box: d.box })) };
  } finally {
    model.dispose();
  }
};
window.appReady = true;
