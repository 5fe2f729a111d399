/**
 * Builds the registry's shipped seed workbook, seeds/registry.xlsx, deterministically.
 *
 *   node --import @swc-node/register/esm-register scripts/build-seed.ts [output.xlsx]
 *
 * One worksheet per sheet of src/import/sheets.ts (sheet name = spec.name, header row = the
 * Chinese headers), enum cells in Chinese words, dates as ISO text, money as integer yuan, lists
 * joined with 、. Every row says where it comes from (来源): the article (余杭区委宣传部, 2023), the
 * brief's public sources, or `illustrative` for filled-in rows.
 *
 * The data reproduce the brief's acceptance figures F1–F11 and issue 12's G1–G13 exactly. Before writing, the script
 * reads the workbook back, checks integrity, recomputes the figures from the read-back rows with
 * BigInt arithmetic, and fails if anything is off. Builds are byte-identical (fixed document and
 * zip-entry dates).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHEETS } from '../src/import/sheets.js';
import { assertFigures, checkIntegrity, computeFigures, type Figures } from './seed-data/figures.js';
import { generateSeed } from './seed-data/generate.js';
import { checkIndicatorFigures } from './seed-data/indicators.js';
import type { Seed } from './seed-data/rows.js';
import { canonical, readWorkbook, writeWorkbook } from './seed-data/workbook.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(process.argv[2] ?? resolve(ROOT, 'seeds/registry.xlsx'));

const yuan = (n: bigint): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function summary(f: Figures, seed: Seed): string {
  const lines: [string, string, string][] = [
    ['F1', 'projects landed 2022, 5 mountain towns', String(f.f1)],
    ['F2', 'landed funds 2022 there (元)', `${yuan(f.f2)} (${f.f2Projects} projects)`],
    ['F3', 'mountain villages 经营性收入 2022 / 2021 (元)', `${yuan(f.f3y2022)} / ${yuan(f.f3y2021)}, +${f.f3GrowthPct}%`],
    ['F4', '共富工坊 in 鸬鸟镇', String(f.f4)],
    ['F5', 'jobs; gain per person (jobs-weighted, 元)', `${f.f5Jobs}; ${f.f5GainWeighted}`],
    ['F6', '鸬鸟 scenic villages 2022−2021 (元)', `${yuan(f.f6)} over ${f.f6Villages}`],
    ['F7', 'district villages 经营性收入 2022 (元); avg', `${yuan(f.f7)} / ${f.f7Villages} = ${f.f7AvgYuan} ≈ ${f.f7AvgWan}万`],
    ['F8', '未来科技城 2023Q1 ≥1亿 / ≥10亿 / ≥50亿', `${f.f8.yi1} / ${f.f8.yi10} / ${f.f8.yi50}`],
    ['F9', '良渚新城 2023Q1 ≥1亿 (/ ≥10亿 / ≥50亿)', `${f.f9.yi1} (/ ${f.f9.yi10} / ${f.f9.yi50})`],
    ['F10', '1+5 pairings of 未来科技城 (5+5; 百企百社)', `${f.f10}: ${f.f10Partners} (${f.f10SoeTown}; ${f.f10EnterpriseVillage})`],
    ['F11', 'enterprises tagged 乡创', String(f.f11)],
  ];
  const out = ['figure  what                                           value', ...lines.map(([k, w, v]) => `${k.padEnd(6)}  ${w.padEnd(46)} ${v}`)];
  out.push('', 'F1/F2 by mountain town: ' + f.byTown.map(([n, c, a]) => `${n} ${c} / ${yuan(a)}`).join('; '));
  out.push('', 'wrong queries would answer:');
  for (const [k, v] of Object.entries(f.distractors)) out.push(`  ${k}: ${v}`);
  out.push('', 'rows per sheet:');
  for (const s of SHEETS) out.push(`  ${s.name.padEnd(20)} ${String((seed[s.name as keyof Seed] as unknown[]).length).padStart(4)}`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const seed = generateSeed();
  checkIntegrity(seed);
  assertFigures(computeFigures(seed));

  const buf = await writeWorkbook(seed);
  // verify what was written, not what was meant
  const back = await readWorkbook(buf);
  if (canonical(back) !== canonical(seed)) throw new Error('the workbook does not read back to the generated rows');
  checkIntegrity(back);
  const figures = computeFigures(back);
  assertFigures(figures);
  const gLines = checkIndicatorFigures(back);

  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, buf);
  console.log(summary(figures, back));
  console.log(['', 'monitoring figures (G1–G13):', ...gLines.map((l) => `  ${l}`)].join('\n'));
  console.log(`\nwrote ${OUT} (${buf.length} bytes)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
