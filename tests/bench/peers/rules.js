'use strict';
// json-rules-engine: the program of tests/bench/WORKLOAD.md as rules, one
// engine.run() per purchase, awaited one at a time.
//
// How the program is expressed, and why the points stay exact:
//  - Runtime facts of a purchase: `lines` (an array of {type, total}, total =
//    quantity * unit price in cents), `tier`, `at` (ms) and `birthMonth` (0:
//    none). Dynamic facts, defined once on the engine and cached per run:
//    `spendByType` (cents per product type over the eligible lines: every
//    type but the excluded gift_card), `eligibleSpend` (their sum) and `month`
//    (the UTC month of `at`).
//  - Each multiplier of program.json is a rule whose event carries a weight
//    in QUARTERS and the spend it applies to: `base` (always, 4 quarters of
//    the eligible spend: 1 point per dollar), the product-type multipliers
//    (electronics x3/2 = +2 quarters of the electronics spend, books x2 = +4,
//    beauty x5/4 = +1, sports x3/2 = +2), the tier multipliers (silver x5/4 =
//    +1 quarter of the eligible spend, gold x3/2 = +2) and the November
//    campaign (x2 = +4 quarters of the electronics and of the toys spend,
//    when start <= at < end). Multipliers stack additively on base points,
//    so the weights add up.
//  - The bonuses are rules whose events carry points: `birthday_month`
//    (birthMonth == month: +100) and `big_basket` (eligibleSpend >= 20000:
//    +250).
//  - The host adds the events up, as a json-rules-engine application does:
//    points = floor(sum of spend * quarters / 400) + bonuses. Every term is an
//    integer below 2^53 (common.js), so the one division is exact.
//
// usage: node rules.js DATA_DIR [--purchases N] [--runs R]
//   (default: 20,000 purchases spread over the year - every 50th -, 3 runs: the engine is slow)

const { Engine } = require('json-rules-engine');
const { PROGRAM, loadWorkload, sample, agree, now, result, args } = require('./common');

const CAMPAIGN_START = 1793491200000;
const CAMPAIGN_END = 1796083200000;
const EXCLUDED = new Set(PROGRAM.excluded_types);

function buildEngine() {
  // pathResolver (a documented Engine option): paths here are all "$.<type>",
  // so a property lookup replaces the default JSONPath evaluation, which
  // would make every run several times slower. The peer gets its fastest setup.
  const engine = new Engine([], {
    allowUndefinedFacts: false,
    pathResolver: (value, p) => (value == null ? undefined : value[p.slice(2)]),
  });
  engine.addFact('spendByType', async (params, almanac) => {
    const lines = await almanac.factValue('lines');
    const spend = {};
    for (const l of lines) {
      if (!EXCLUDED.has(l.type)) spend[l.type] = (spend[l.type] || 0) + l.total;
    }
    return spend;
  });
  engine.addFact('eligibleSpend', async (params, almanac) => {
    const spend = await almanac.factValue('spendByType');
    let e = 0;
    for (const k in spend) e += spend[k];
    return e;
  });
  engine.addFact('month', async (params, almanac) => new Date(await almanac.factValue('at')).getUTCMonth() + 1);

  const spendOf = (type) => ({ fact: 'spendByType', path: `$.${type}`, operator: 'greaterThan', value: 0 });
  const weight = (name, spend, quarters, conditions) => engine.addRule({
    name, conditions: { all: conditions }, event: { type: 'weight', params: { spend, quarters } },
  });
  const bonus = (name, points, conditions) => engine.addRule({
    name, conditions: { all: conditions }, event: { type: 'bonus', params: { points } },
  });
  weight('base', 'eligible', 4, [{ fact: 'eligibleSpend', operator: 'greaterThan', value: 0 }]);
  weight('categories.electronics', 'electronics', 2, [spendOf('electronics')]);
  weight('categories.books', 'books', 4, [spendOf('books')]);
  weight('categories.beauty', 'beauty', 1, [spendOf('beauty')]);
  weight('categories.sports', 'sports', 2, [spendOf('sports')]);
  weight('tiers.silver', 'eligible', 1, [{ fact: 'tier', operator: 'equal', value: 'silver' }]);
  weight('tiers.gold', 'eligible', 2, [{ fact: 'tier', operator: 'equal', value: 'gold' }]);
  const inCampaign = [
    { fact: 'at', operator: 'greaterThanInclusive', value: CAMPAIGN_START },
    { fact: 'at', operator: 'lessThan', value: CAMPAIGN_END },
  ];
  weight('double_november.electronics', 'electronics', 4, [...inCampaign, spendOf('electronics')]);
  weight('double_november.toys', 'toys', 4, [...inCampaign, spendOf('toys')]);
  bonus('birthday_month', 100, [{ fact: 'birthMonth', operator: 'equal', value: { fact: 'month' } }]);
  bonus('big_basket', 250, [{ fact: 'eligibleSpend', operator: 'greaterThanInclusive', value: 20000 }]);
  return engine;
}

async function scoreSample(engine, w, s, out) {
  for (let k = 0; k < s.count; k++) {
    const i = s.index[k];
    const c = w.customer[i];
    const lines = [];
    for (let j = w.lineStart[i]; j < w.lineStart[i + 1]; j++) {
      lines.push({ type: w.typeNames[w.lineType[j]], total: w.quantity[j] * w.unitPrice[j] });
    }
    const facts = { lines, tier: w.tierNames[w.tier[c]], at: w.at[i], birthMonth: w.birthMonth[c] };
    const { events, almanac } = await engine.run(facts);
    let weighted = 0;
    let points = 0;
    if (events.length) {
      const spend = await almanac.factValue('spendByType');
      const eligible = await almanac.factValue('eligibleSpend');
      for (const e of events) {
        if (e.type === 'weight') weighted += (e.params.spend === 'eligible' ? eligible : spend[e.params.spend]) * e.params.quarters;
        else points += e.params.points;
      }
    }
    out[k] = Math.floor(weighted / 400) + points;
  }
}

async function main() {
  const a = args({ purchases: 20000, runs: 3 });
  const w = loadWorkload(a.dir);
  const s = sample(w, a.purchases);
  const n = s.count;
  const engine = buildEngine();
  const points = new Int32Array(n);
  const secs = [];
  for (let r = 0; r < a.runs; r++) {
    points.fill(-1);
    const t0 = now();
    await scoreSample(engine, w, s, points);
    secs.push(now() - t0);
    agree('node.json_rules_engine', points, w, s);
  }
  result('node.json_rules_engine', s, secs, points, n < w.n ? `stride_${s.stride}_of_${w.n}` : 'all');
}

main().catch((e) => { console.error(e); process.exit(2); });
