'use strict';
// GoRules zen-engine: the program of tests/bench/WORKLOAD.md as a JDM decision
// graph (written out to zen-graph.json for the JDM editor), one evaluate() per
// purchase, awaited one at a time.
//
// The graph: input -> `tiers` (decision table: tier -> tierQ, the tier's extra
// weight in quarters) -> `categories` (decision table run in loop mode over
// the purchase's lines: product type -> typeQ, its extra quarters; camp,
// whether the November campaign doubles it; eligible, false for the excluded
// gift_card; total passed through) -> `spend` (expressions: the weighted sum
// of the lines in quarters and the eligible spend) -> `points` (expressions:
// the birthday and big-basket bonuses, and floor(weighted / 400) plus them)
// -> output. Numbers in zen-engine are exact decimals and every value is an
// integer (weights in quarters), so the points equal the reference exactly.
//
// usage: node zen.js DATA_DIR [--purchases N] [--runs R]
//   (default: 10,000 purchases spread over the year - every 100th -, 3 runs: each call
//   crosses into the engine's worker)
// An expression reads the results of the earlier expressions of its node as $.<key>.

const fs = require('fs');
const path = require('path');
const { ZenEngine } = require('@gorules/zen-engine');
const { loadWorkload, sample, agree, now, result, args } = require('./common');

const CAMPAIGN_START = 1793491200000;
const CAMPAIGN_END = 1796083200000;

const pos = (x) => ({ x: 200 * x, y: 100 });
const q = (s) => JSON.stringify(s); // a string literal in a zen expression

function table(id, name, content) {
  return { id, type: 'decisionTableNode', name, position: pos(0), content };
}

function expressions(id, name, list, passThrough = true) {
  return {
    id, type: 'expressionNode', name, position: pos(0),
    content: { passThrough, inputField: null, outputPath: null, executionMode: 'single',
               expressions: list.map(([key, value], i) => ({ id: `${id}${i}`, key, value })) },
  };
}

function graph() {
  const typeRows = [
    ['gift_card', 0, false, false],
    ['electronics', 2, true, true],
    ['toys', 0, true, true],
    ['books', 4, false, true],
    ['beauty', 1, false, true],
    ['sports', 2, false, true],
    ['', 0, false, true], // every other type: x1, eligible
  ];
  const nodes = [
    { id: 'in', type: 'inputNode', name: 'purchase', position: pos(0) },
    table('tiers', 'tiers', {
      hitPolicy: 'first', passThrough: true, inputField: null, outputPath: null, executionMode: 'single',
      inputs: [{ id: 'tier', name: 'Tier', field: 'tier' }],
      outputs: [{ id: 'tierQ', name: 'Extra quarters', field: 'tierQ' }],
      rules: [['silver', 1], ['gold', 2], ['', 0]].map(([t, x], i) => ({ _id: `t${i}`, tier: t ? q(t) : '', tierQ: String(x) })),
    }),
    table('categories', 'categories', {
      hitPolicy: 'first', passThrough: true, inputField: 'lines', outputPath: 'weights', executionMode: 'loop',
      inputs: [{ id: 'type', name: 'Product type', field: 'type' }],
      outputs: [
        { id: 'typeQ', name: 'Extra quarters', field: 'typeQ' },
        { id: 'camp', name: 'Campaign type', field: 'camp' },
        { id: 'eligible', name: 'Eligible', field: 'eligible' },
        { id: 'total', name: 'Total', field: 'total' },
      ],
      rules: typeRows.map(([t, x, camp, eligible], i) => ({
        _id: `c${i}`, type: t ? q(t) : '', typeQ: String(x), camp: String(camp), eligible: String(eligible), total: 'total',
      })),
    }),
    expressions('spend', 'spend', [
      ['campaign', `at >= ${CAMPAIGN_START} and at < ${CAMPAIGN_END}`],
      ['weighted', 'sum(map(weights, #.eligible ? #.total * (4 + #.typeQ + tierQ + ($.campaign and #.camp ? 4 : 0)) : 0))'],
      ['eligibleSpend', 'sum(map(weights, #.eligible ? #.total : 0))'],
    ]),
    expressions('points', 'points', [
      ['birthdayBonus', 'birthMonth > 0 and monthOfYear(date(at / 1000)) == birthMonth ? 100 : 0'],
      ['bigBasketBonus', 'eligibleSpend >= 20000 ? 250 : 0'],
      ['points', 'floor(weighted / 400) + $.birthdayBonus + $.bigBasketBonus'],
    ], false), // the result: the bonuses and the points only
    { id: 'out', type: 'outputNode', name: 'result', position: pos(0) },
  ];
  const order = ['in', 'tiers', 'categories', 'spend', 'points', 'out'];
  nodes.forEach((n, i) => { n.position = pos(i); });
  const edges = order.slice(1).map((id, i) => ({ id: `e${i}`, sourceId: order[i], targetId: id, type: 'edge' }));
  return { contentType: 'application/vnd.gorules.decision', nodes, edges };
}

async function scoreSample(decision, w, s, out) {
  for (let k = 0; k < s.count; k++) {
    const i = s.index[k];
    const c = w.customer[i];
    const lines = [];
    for (let j = w.lineStart[i]; j < w.lineStart[i + 1]; j++) {
      lines.push({ type: w.typeNames[w.lineType[j]], total: w.quantity[j] * w.unitPrice[j] });
    }
    const r = await decision.evaluate({ lines, tier: w.tierNames[w.tier[c]], at: w.at[i], birthMonth: w.birthMonth[c] });
    out[k] = Number(r.result.points);
  }
}

async function main() {
  const a = args({ purchases: 10000, runs: 3 });
  const w = loadWorkload(a.dir);
  const s = sample(w, a.purchases);
  const n = s.count;
  const jdm = graph();
  fs.writeFileSync(path.join(__dirname, 'zen-graph.json'), JSON.stringify(jdm, null, 2) + '\n');
  const engine = new ZenEngine();
  const decision = engine.createDecision(jdm);
  const points = new Int32Array(n);
  const secs = [];
  for (let r = 0; r < a.runs; r++) {
    points.fill(-1);
    const t0 = now();
    await scoreSample(decision, w, s, points);
    secs.push(now() - t0);
    agree('node.zen_engine', points, w, s);
  }
  engine.dispose();
  result('node.zen_engine', s, secs, points, n < w.n ? `stride_${s.stride}_of_${w.n}` : 'all');
}

module.exports = { graph };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(2); });
