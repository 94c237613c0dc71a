'use strict';
// Shared by the Node.js contenders (tests/bench/WORKLOAD.md): loading the CSV
// files into typed arrays, the agreement check against the reference column,
// the checksum, timing and the RESULT lines.
//
// Every value stays exact in JavaScript numbers: the largest line total is
// 3 x 20000 = 60,000 cents, a purchase's weighted sum at most
// 5 x 60,000 x 12 quarters = 3,600,000, its points at most 9,000 + 350, the
// sum over 1,000,000 purchases at most 9.35e9, times in ms about 1.8e12, and
// the checksum's intermediate (2^31 - 2) * 1000003 + 9351 < 2^51: all far
// below 2^53, so no BigInt is needed.

const fs = require('fs');
const path = require('path');

const PROGRAM = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'workload', 'program.json'), 'utf8'));

function rows(file) {
  const text = fs.readFileSync(file, 'latin1');
  const lines = text.split('\n');
  lines.shift(); // the header
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// The columns of the three CSV files; product types and tiers as indexes
// into program.json's lists (typeNames, tierNames).
function loadWorkload(dir) {
  const typeIndex = new Map(PROGRAM.product_types.map((t, i) => [t, i]));
  const tierIndex = new Map(PROGRAM.tiers.map((t, i) => [t, i]));
  const c = rows(path.join(dir, 'customers.csv'));
  const tier = new Uint8Array(c.length);
  const birthMonth = new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const f = c[i].split(',');
    const t = tierIndex.get(f[2]);
    if (t === undefined) throw new Error(`customers.csv: unknown tier ${f[2]}`);
    tier[i] = t;
    birthMonth[i] = f[3] === '' ? 0 : Number(f[3]);
  }
  const p = rows(path.join(dir, 'purchases.csv'));
  const n = p.length;
  const at = new Float64Array(n);
  const customer = new Uint32Array(n);
  const lineStart = new Uint32Array(n + 1);
  const expected = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f = p[i].split(',');
    customer[i] = Number(f[1]);
    at[i] = Number(f[2]);
    lineStart[i] = Number(f[3]);
    expected[i] = Number(f[5]);
  }
  const l = rows(path.join(dir, 'lines.csv'));
  const lineType = new Uint8Array(l.length);
  const quantity = new Int32Array(l.length);
  const unitPrice = new Int32Array(l.length);
  for (let j = 0; j < l.length; j++) {
    const f = l[j].split(',');
    const t = typeIndex.get(f[1]);
    if (t === undefined) throw new Error(`lines.csv: unknown product type ${f[1]}`);
    lineType[j] = t;
    quantity[j] = Number(f[2]);
    unitPrice[j] = Number(f[3]);
  }
  lineStart[n] = l.length;
  return {
    n, ncustomers: c.length, tier, birthMonth, at, customer, lineStart, expected, lineType, quantity, unitPrice,
    typeNames: PROGRAM.product_types, tierNames: PROGRAM.tiers,
  };
}

// c = (c * 1000003 + p + 1) mod (2^31 - 1) over the points in purchase order
function sums(points, n) {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    sum += points[i];
    c = (c * 1000003 + points[i] + 1) % 2147483647;
  }
  return { sum, checksum: c };
}

// The purchases a slow contender evaluates: n of them spread evenly over the
// year, purchase k * stride for k < n, stride = floor(total / n) (1: all).
function sample(w, n) {
  const count = Math.min(n, w.n);
  const stride = Math.max(1, Math.floor(w.n / count));
  const index = new Uint32Array(count);
  for (let k = 0; k < count; k++) index[k] = k * stride;
  return { count, stride, index };
}

// points[k] is the points of purchase index[k]. Exits with status 1, naming
// the contender and the first purchase that differs.
function agree(contender, points, w, s) {
  for (let k = 0; k < s.count; k++) {
    const i = s.index[k];
    if (points[k] !== w.expected[i]) {
      console.error(`DISAGREEMENT: ${contender}: purchase ${i} earns ${points[k]} points, the reference ${w.expected[i]}`);
      process.exit(1);
    }
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function now() {
  return Number(process.hrtime.bigint()) / 1e9;
}

// One RESULT line (tests/bench/WORKLOAD.md): the median of the runs' seconds
// over the s.count purchases evaluated, and their points' sum and checksum.
function result(contender, s, secs, points, note) {
  const t = median(secs);
  const n = s.count;
  const { sum, checksum } = sums(points, n);
  const extra = note ? ` note=${note}` : '';
  console.log(`RESULT ${contender} purchases=${n} stride=${s.stride} runs=${secs.length} ` +
              `ns_per_purchase=${(t * 1e9 / n).toFixed(1)} per_s=${(n / t).toFixed(0)} sum=${sum} checksum=${checksum}${extra}`);
}

// Command line: DATA_DIR [--purchases N] [--runs R]
function args(defaults) {
  const a = process.argv.slice(2);
  const out = { dir: null, purchases: defaults.purchases, runs: defaults.runs };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--purchases') out.purchases = Number(a[++i]);
    else if (a[i] === '--runs') out.runs = Number(a[++i]);
    else out.dir = a[i];
  }
  if (!out.dir || !(out.runs >= 1) || !(out.purchases === Infinity || out.purchases >= 1)) {
    console.error(`usage: node ${path.basename(process.argv[1])} DATA_DIR [--purchases N] [--runs R]`);
    process.exit(2);
  }
  return out;
}

module.exports = { PROGRAM, loadWorkload, sums, sample, agree, median, now, result, args };
