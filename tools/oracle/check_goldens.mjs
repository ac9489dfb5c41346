#!/usr/bin/env node
// Non-degeneracy check of oracle goldens (issue [A]): proposals from every RPN level, detections of
// several classes with varied scores, masks that are not constant. Reads the dumps only (no Python).
//   node tools/oracle/check_goldens.mjs test/fixtures/oracle-k8/astronaut_fit .cache/oracle/k1/rocket_fit ...
// Exit code 1 when a golden fails one of: >= 3 detected classes; detection score spread (max - min)
// >= 0.1; >= 90% of the detected rows' 28x28 masks with std >= 0.05 and both some cells > 0.5 and
// some < 0.5; and, where the golden has meta.stats.proposals_per_rpn_level_after_nms, proposals from all 5
// levels after the per-level NMS (the top-N over levels that follows may leave a level out: printed).
import { readDump } from './tensor_dump.mjs';

let failed = false;
for (const stem of process.argv.slice(2)) {
  const { tensors: t, meta } = readDump(stem);
  const cls = t.get('classes').data; const sc = t.get('scores').data;
  const rows = [...cls.keys()].filter((i) => cls[i] > 0);
  const hist = {};
  for (const i of rows) hist[cls[i]] = (hist[cls[i]] ?? 0) + 1;
  const s = rows.map((i) => sc[i]);
  const spread = s.length ? Math.max(...s) - Math.min(...s) : 0;
  const sel = t.get('raw_masks_sel'); const full = t.get('raw_masks');
  const mm = 28 * 28;
  let varied = 0;
  for (const i of rows) {
    let m;
    if (sel) m = sel.data.subarray(i * mm, (i + 1) * mm);
    else m = full.data.subarray((i * full.shape[1] + cls[i]) * mm, (i * full.shape[1] + cls[i] + 1) * mm);
    const mean = m.reduce((a, v) => a + v, 0) / mm;
    const std = Math.sqrt(m.reduce((a, v) => a + (v - mean) ** 2, 0) / mm);
    if (std >= 0.05 && m.some((v) => v > 0.5) && m.some((v) => v < 0.5)) varied++;
  }
  const lv = t.get('proposal_rpn_level');
  const levels = lv ? [0, 1, 2, 3, 4].map((k) => lv.data.filter((v) => v === k).length) : undefined;
  const problems = [];
  if (Object.keys(hist).length < 3) problems.push('fewer than 3 classes');
  if (spread < 0.1) problems.push(`score spread ${spread.toFixed(3)}`);
  if (varied < 0.9 * rows.length) problems.push(`${rows.length - varied} near-constant masks`);
  const perLevel = meta.stats?.proposals_per_rpn_level_after_nms;
  if (perLevel && perLevel.some((n) => n === 0)) problems.push('an RPN level gives no proposal');
  failed ||= problems.length > 0;
  console.log(`${stem} (${meta.config} K=${meta.width_div ?? '?'}): ${problems.length ? `DEGENERATE: ${problems.join(', ')}` : 'OK'}; ` +
    `detections ${rows.length}, classes ${JSON.stringify(hist)}, scores ${s.length ? `${Math.min(...s).toFixed(3)}..${Math.max(...s).toFixed(3)}` : '-'}, ` +
    `varied masks ${varied}/${rows.length}` +
    `${perLevel ? `, per-level proposals after NMS ${JSON.stringify(perLevel)}` : ''}${levels ? `, in the top-N ${JSON.stringify(levels)}` : ''}`);
}
process.exit(failed ? 1 : 0);
