'use strict';
// The plain Node.js loop: the rule of tests/bench/WORKLOAD.md written by hand,
// in exact integers (line weights in quarters), over every purchase.
//
// usage: node plain.js DATA_DIR [--purchases N] [--runs R]   (all purchases, 5 runs)

const { loadWorkload, agree, now, result, args } = require('./common');

const CAMPAIGN_START = 1793491200000; // 2026-11-01T00:00Z inclusive
const CAMPAIGN_END = 1796083200000;   // 2026-12-01T00:00Z exclusive
const MS_PER_DAY = 86400000;

// WEIGHTS[campaign * ntiers * ntypes + tier * ntypes + type], in quarters; gift_card 0
function weights(typeNames, tierNames) {
  const typeExtra = { electronics: 2, books: 4, beauty: 1, sports: 2 };
  const tierExtra = { bronze: 0, silver: 1, gold: 2 };
  const campaign = new Set(['electronics', 'toys']);
  const w = new Int32Array(2 * tierNames.length * typeNames.length);
  for (let c = 0; c < 2; c++) {
    for (let r = 0; r < tierNames.length; r++) {
      for (let t = 0; t < typeNames.length; t++) {
        const name = typeNames[t];
        w[(c * tierNames.length + r) * typeNames.length + t] = name === 'gift_card' ? 0
          : 4 + (typeExtra[name] || 0) + tierExtra[tierNames[r]] + (c && campaign.has(name) ? 4 : 0);
      }
    }
  }
  return w;
}

// The UTC month (1-12) of an instant in ms: Howard Hinnant's civil_from_days.
function monthOf(atMs) {
  const z = Math.floor(atMs / MS_PER_DAY) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return mp < 10 ? mp + 3 : mp - 9;
}

function scoreAll(w, n, W, out) {
  const ntypes = w.typeNames.length;
  const ntiers = w.tierNames.length;
  const gift = w.typeNames.indexOf('gift_card');
  const { at, customer, lineStart, tier, birthMonth, lineType, quantity, unitPrice } = w;
  for (let i = 0; i < n; i++) {
    const t = at[i];
    const c = customer[i];
    const base = ((t >= CAMPAIGN_START && t < CAMPAIGN_END ? ntiers : 0) + tier[c]) * ntypes;
    let weighted = 0;
    let eligible = 0;
    for (let j = lineStart[i], hi = lineStart[i + 1]; j < hi; j++) {
      const ty = lineType[j];
      if (ty !== gift) {
        const total = quantity[j] * unitPrice[j];
        eligible += total;
        weighted += total * W[base + ty];
      }
    }
    let points = Math.floor(weighted / 400); // exact: weighted < 2^53 (see common.js)
    const bm = birthMonth[c];
    if (bm !== 0 && monthOf(t) === bm) points += 100;
    if (eligible >= 20000) points += 250;
    out[i] = points;
  }
}

function main() {
  const a = args({ purchases: Infinity, runs: 5 });
  const w = loadWorkload(a.dir);
  const n = Math.min(a.purchases, w.n); // a prefix: --purchases N takes the first N
  const s = { count: n, stride: 1, index: Uint32Array.from({ length: n }, (_, k) => k) };
  const W = weights(w.typeNames, w.tierNames);
  const points = new Int32Array(n);
  const secs = [];
  for (let r = 0; r < a.runs; r++) {
    points.fill(-1);
    const t0 = now();
    scoreAll(w, n, W, points);
    secs.push(now() - t0);
    agree('node.plain', points, w, s);
  }
  result('node.plain', s, secs, points, n < w.n ? `first_${n}_of_${w.n}` : 'all');
}

main();
