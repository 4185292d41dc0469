/**
 * The console in a real browser: Debian's Chromium driven by playwright-core against the local
 * stack (started once for this file, with the built console served on the same port). Three
 * synthetic years are loaded through the API and the forecast job is run, so every page has data.
 * Screenshots of each page go to test/e2e/screenshots/ (git-ignored) for a human to look at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, referencePath } from '../../lib/reference.ts';
import { ensureConsoleBuilt } from '../../infra/local/console.ts';
import { postBatches } from '../../infra/local/demo.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { call, freePort, key, tempDataDir } from './helpers.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = path.join(projectRoot, 'test', 'e2e', 'screenshots');
const timeout = 180_000;

let stack: LocalStack;
let context: BrowserContext;
let profile: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium is not installed at ${chromiumPath}: apt-get install -y chromium (.ci/run does it in CI).`);
  const webDir = await ensureConsoleBuilt();
  const dataDir = tempDataDir();
  stack = await startLocalStack({ port: await freePort(), dataDir, buildDir: path.join(dataDir, 'build'), quiet: true, webDir });
  // Three synthetic years (the forecast needs ≥ 24 months, its backtest 36), through the API.
  const synth = path.join(dataDir, 'synth');
  execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), 'synth', '--seed', '7', '--hospitals', '5', '--years', '2023,2024,2025', '--cases-per-year', '600', '--threads', '1', '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', synth], { stdio: 'ignore' });
  const lines = ['2023', '2024', '2025'].flatMap((y) => readFileSync(path.join(synth, `settlement-${y}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== ''));
  await postBatches(stack.url, key.admin, lines, 600);
  const { runForecast } = await import('../../lambdas/jobs/forecast.ts');
  const { awsDeps } = await import('../../lambdas/shared/deps.ts');
  await runForecast(awsDeps, new Date('2026-01-02T02:00:00Z'));
  // A stress test exists, so the overview's fund alert has something to show.
  expect((await call(`${stack.url}/v1/stress-tests`, 'POST', key.analyst, JSON.stringify({ preset: 'baseline' }))).status).toBe(202);

  mkdirSync(shots, { recursive: true });
  profile = mkdtempSync(path.join(tmpdir(), 'payreform-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(60_000);
}, 300_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stack?.stop();
  if (stack) rmSync(stack.dataDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

async function signIn(page: Page, k: string): Promise<void> {
  await page.goto(`${stack.url}/sign-in`);
  await page.getByLabel('API key').fill(k);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: /Overview/ }).waitFor();
}

/** True when the page has a chart canvas with something drawn on it. */
async function chartDrawn(page: Page): Promise<boolean> {
  await page.locator('figure.chart canvas').first().waitFor();
  // A string, evaluated in the page (this file is type-checked without the DOM library).
  return page.evaluate(`(() => {
    for (const c of document.querySelectorAll('figure.chart canvas')) {
      if (c.width === 0 || c.height === 0) continue;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
    }
    return false;
  })()`) as Promise<boolean>;
}

describe('the console in Chromium', () => {
  it('signs an analyst in and loads every page without a console error, with charts drawn', async () => {
    const page = await newPage();
    consoleErrors.length = 0;
    await signIn(page, key.analyst);
    const pages: [string, string, RegExp, boolean][] = [
      ['/', 'overview', /Overview/, true],
      ['/cases', 'cases', /Cases/, false],
      ['/simulations', 'simulations', /Simulations/, false],
      ['/stress-tests', 'stress-tests', /Stress tests/, false],
      ['/data-quality', 'data-quality', /Data quality/, true],
      ['/forecasts', 'forecasts', /Forecasts/, true],
      ['/docs', 'docs', /API docs/, false],
    ];
    for (const [url, name, heading, chart] of pages) {
      await page.goto(`${stack.url}${url}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      if (chart) expect(await chartDrawn(page), `a chart is drawn on ${url}`).toBe(true);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('.error').count()).toBe(0);
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    }
    expect(await page.getByText('Fund alert (year 1)').count()).toBe(0); // not on the docs page
    await page.goto(`${stack.url}/`);
    await page.getByText('Fund alert (year 1)').waitFor();
    await page.getByText(/Forecast \d{4}-\d{2}/).waitFor();
    await page.goto(`${stack.url}/forecasts`);
    await page.getByRole('table', { name: /Backtest/ }).waitFor();
    await page.goto(`${stack.url}/sign-in`);
    await page.screenshot({ path: path.join(shots, 'sign-in.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, timeout);

  it('validates a policy with the schema\'s messages, runs two policies to completion and compares them', async () => {
    const page = await newPage();
    consoleErrors.length = 0;
    await signIn(page, key.analyst);
    await page.goto(`${stack.url}/simulations`);
    await page.getByLabel('High-cost ratio').fill('1.5');
    // Problems are worded with the form's labels, not the policy's field paths.
    await page.getByText('High-cost ratio: must be at least 2').first().waitFor();
    expect(await page.getByText('outliers.high').count()).toBe(0);
    await page.getByLabel('High-cost ratio').fill('2');
    // Switching how to pay shows the other amount and changes no value the user typed.
    await page.getByLabel('Base rate (yuan per RW)', { exact: true }).fill('9000');
    await page.getByLabel('Pay by').selectOption('budget');
    await page.getByLabel('Pay by').selectOption('baseRate');
    expect(await page.getByLabel('Base rate (yuan per RW)', { exact: true }).inputValue()).toBe('9000');
    await page.getByRole('button', { name: 'Add to the comparison' }).click();
    // Adding a policy changes no field either.
    expect(await page.getByLabel('High-cost ratio').inputValue()).toBe('2');
    expect(await page.getByLabel('Name').inputValue()).toBe('Base rate 9 865');
    await page.getByLabel('High-cost ratio').fill('3');
    await page.getByRole('button', { name: 'Add to the comparison' }).click();
    await page.getByRole('button', { name: 'Run and compare 2 policies' }).click();
    await page.getByRole('heading', { name: 'Results' }).waitFor({ timeout: 150_000 });
    await page.getByText(/Winners and losers/).first().waitFor();
    expect(await chartDrawn(page)).toBe(true);
    await page.getByRole('table', { name: 'Policies' }).locator('tbody tr').nth(1).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const csv = readFileSync(await (await download).path(), 'utf8');
    expect(csv.split('\n')[0]).toBe('hospitalId,policy,cases,cmi,totalCost,payment,paymentToCost,balance,lowOutliers,highOutliers,reviewOutliers,byItem,differenceFromFirst');
    expect(csv.split('\n').filter((l) => l.startsWith('HOSP')).length).toBe(10);
    await page.screenshot({ path: path.join(shots, 'simulations-compared.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, timeout);

  it('runs a DIP policy: its own labelled fields, point values year-start vs settlement, outlier classes, special review and clearing by hospital', async () => {
    const page = await newPage();
    consoleErrors.length = 0;
    await signIn(page, key.analyst);
    await page.goto(`${stack.url}/simulations`);
    await page.getByLabel('Method').selectOption('dip');
    // DRG-only fields hide, the DIP ones show.
    expect(await page.getByLabel('Pay by', { exact: true }).isVisible()).toBe(false);
    expect(await page.getByLabel('Review ratio').isVisible()).toBe(false);
    await page.getByLabel('Name').fill('DIP funds');
    await page.getByLabel('Reference years').fill('2023, 2024');
    await page.getByLabel('Special review cap (‰ of discharges)').fill('2000');
    await page.getByText('Special review cap (‰ of discharges): must be from 0 to 1000').first().waitFor();
    await page.getByLabel('Special review cap (‰ of discharges)').fill('5');
    await page.getByLabel('Pay DIP by').selectOption('funds');
    expect(await page.getByLabel('DIP fund budget (yuan)').isVisible()).toBe(false);
    await page.getByLabel('Employee fund budget (yuan)').fill('2500000');
    await page.getByLabel('Resident fund budget (yuan)').fill('1500000');
    await page.getByLabel('Hospital coefficients').selectOption('packet');
    await page.getByLabel('Year-start point value from').selectOption('true');
    await page.getByRole('button', { name: 'Add to the comparison' }).click();
    await page.getByText('DIP, employee and resident funds').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('heading', { name: 'DIP results' }).waitFor({ timeout: 150_000 });
    const points = page.getByRole('table', { name: 'Point values: DIP funds' });
    expect(await points.locator('tbody tr').count()).toBe(2);
    expect(await points.locator('thead').textContent()).toContain('Year-start point value');
    expect(await points.locator('thead').textContent()).toContain('Settlement point value');
    expect(await page.getByRole('table', { name: 'Outlier classes: DIP funds' }).locator('tbody tr').count()).toBe(5);
    expect(await page.getByRole('table', { name: 'Special review: DIP funds' }).textContent()).toContain('≤ 5 ‰ of discharges');
    // One row per hospital and fund (5 hospitals × 2 funds).
    expect(await page.getByRole('table', { name: 'Clearing by hospital: DIP funds' }).locator('tbody tr').count()).toBe(10);
    await page.screenshot({ path: path.join(shots, 'simulations-dip.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, timeout);

  it('runs a stress test and a sweep from the form', async () => {
    const page = await newPage();
    consoleErrors.length = 0;
    await signIn(page, key.analyst);
    await page.goto(`${stack.url}/stress-tests`);
    await page.getByLabel('Preset').selectOption('ageing');
    await page.getByLabel('Monte Carlo paths').fill('-3');
    await page.getByText('paths must be at least 1').first().waitFor();
    await page.getByLabel('Monte Carlo paths').fill('5000');
    await page.getByRole('button', { name: 'Run the stress test' }).click();
    await page.getByRole('heading', { name: 'Result: ageing scenario' }).waitFor({ timeout: 120_000 });
    await page.getByRole('table', { name: 'Deficit and depletion probability by year' }).locator('tbody tr').nth(9).waitFor();
    expect(await chartDrawn(page)).toBe(true);
    await page.getByLabel('Parameter', { exact: true }).selectOption('costGrowth.mean');
    await page.getByLabel('From', { exact: true }).fill('0.05');
    await page.getByLabel('To', { exact: true }).fill('0.09');
    await page.getByLabel('Step', { exact: true }).fill('0.02');
    await page.getByRole('button', { name: 'Run the sweep' }).click();
    await page.locator('figcaption', { hasText: 'Depletion probability by costGrowth.mean' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('figure.chart', { hasText: 'Depletion probability by costGrowth.mean' }).locator('tbody tr').count()).toBe(3);
    await page.screenshot({ path: path.join(shots, 'stress-tests-run.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, timeout);

  it('compares two held schemes from the Schemes page on the stored cases: flows, quality, CMI by hospital and, priced by a policy, each hospital\'s payment under each', async () => {
    const page = await newPage();
    consoleErrors.length = 0;
    await signIn(page, key.analyst);
    await page.goto(`${stack.url}/schemes`);
    await page.getByRole('heading', { level: 1, name: 'Schemes' }).waitFor();
    // A select of the held schemes (GET /v1/schemes), or a text field where the deployment does not list them.
    for (const [name, id] of [['Scheme A', 'chs-drg-1.1'], ['Scheme B', 'suzhou_2023']] as const) {
      const control = page.getByLabel(name, { exact: true });
      if ((await control.evaluate((e: { tagName: string }) => e.tagName)) === 'SELECT') await control.selectOption(id);
      else await control.fill(id);
    }
    await page.getByLabel('From month (optional)').fill('2025-01');
    await page.getByLabel('To month (optional)').fill('2025-12');
    await page.getByLabel('Price by a DRG policy (optional, JSON)').fill('{"name": "base rate 9000", "method": "drg", "referenceYears": [2025], "settlementYear": 2025, "baseRate": 9000}');
    await page.getByRole('button', { name: 'Compare' }).click();
    // The result's heading, or the error box that says why there is none.
    await page.getByRole('heading', { level: 2, name: 'chs-drg-1.1 → suzhou_2023, 2025-01 to 2025-12' }).or(page.locator('.error')).first().waitFor({ timeout: 170_000 });
    expect(await page.locator('.error').allInnerTexts()).toEqual([]);
    await page.getByText(/stored cases compared: [\d,]+ \([\d.]+ %\) change DRG/).waitFor();
    expect(await page.getByRole('table', { name: 'Schemes compared' }).locator('tbody tr').count()).toBe(2);
    expect(await chartDrawn(page)).toBe(true);
    expect(await page.locator('figcaption', { hasText: 'Largest flows between DRGs' }).count()).toBe(1);
    await page.getByText(/Priced by the policy base rate 9000 \(version 1\): chs-drg-1\.1 pays [\d,.]+ yuan/).waitFor();
    const payments = page.getByRole('table', { name: 'Payment by hospital, yuan' });
    expect(await payments.locator('tbody tr').count()).toBe(5);
    expect(await payments.locator('tbody tr').first().locator('td').nth(2).innerText()).toMatch(/^[\d,]+\.\d\d$/);
    expect(await page.locator('.error').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'schemes-compare.png'), fullPage: true });
    // A service whose document declares no GET /v1/schemes answers the page's listing 404 (the page then takes typed ids); any other console error fails.
    const listed = ((await (await fetch(`${stack.url}/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths['/v1/schemes'] !== undefined;
    expect(consoleErrors.filter((e) => listed || !/\/schemes: Failed to load resource: the server responded with a status of 404/.test(e))).toEqual([]);
    await page.close();
  }, timeout);

  it('runs supervision from its page, ranks the hospitals with each rule\'s contribution, and shows a hospital only its own', async () => {
    // The monthly run (in-process, as the schedule would) for December 2025: the page opens on it.
    const { runMonthlySupervision } = await import('../../lambdas/jobs/supervision.ts');
    const { awsDeps } = await import('../../lambdas/shared/deps.ts');
    expect((await runMonthlySupervision(awsDeps, new Date('2026-01-01T03:00:00Z'))).status).toBe('succeeded');
    const page = await newPage();
    consoleErrors.length = 0;
    await signIn(page, key.analyst);
    await page.goto(`${stack.url}/supervision`);
    await page.getByRole('heading', { level: 1, name: 'Supervision' }).waitFor();
    await page.getByText(/Discharges of 2025-12: [\d,]+ cases screened/).waitFor();
    // Nothing runs yet: no progress bar; the run's date is ISO, not US-style.
    expect(await page.locator('progress:visible').count()).toBe(0);
    await page.getByRole('heading', { name: /^Run of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/ }).waitFor();
    await page.getByLabel('From month (optional)').fill('2025-01');
    await page.getByLabel('To month (optional)').fill('2025-12');
    await page.getByRole('button', { name: 'Run supervision' }).click();
    const ranking = page.getByRole('table', { name: 'Hospitals by risk, with what contributes' });
    await ranking.locator('tbody tr').nth(4).waitFor({ timeout: 120_000 });
    await page.getByText(/Discharges from 2025-01 to 2025-12: [\d,]+ cases screened/).waitFor();
    expect(await page.locator('progress:visible').count()).toBe(0); // the run is over
    expect(await chartDrawn(page)).toBe(true);
    await page.getByRole('button', { name: 'Flags of HOSP001' }).click();
    await page.getByRole('heading', { name: 'Flags of HOSP001' }).waitFor();
    await page.getByText(/flags? for HOSP001/).waitFor();
    expect(await page.locator('.error').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'supervision.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();

    const own = await newPage();
    await signIn(own, key.hosp2);
    await own.goto(`${stack.url}/supervision`);
    await own.getByText(/Your hospital ranks \d of 5 by risk/).waitFor();
    await own.getByRole('heading', { name: 'Flags of HOSP002' }).waitFor();
    expect(await own.getByRole('table', { name: 'Hospitals by risk, with what contributes' }).locator('tbody tr').count()).toBe(1);
    expect(await own.getByRole('button', { name: 'Run supervision' }).count()).toBe(0);
    expect(await own.getByText('HOSP001').count()).toBe(0);
    await own.screenshot({ path: path.join(shots, 'supervision-hospital.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await own.close();
  }, timeout);

  it('shows a hospital its own case with the trace, and not another hospital\'s', async () => {
    // A case HOSP001 really has (a synthetic record may have been rejected at ingest).
    const listed = await call(`${stack.url}/v1/cases?from=2025-01-01&to=2025-12-31&limit=1`, 'GET', key.hosp1);
    const listId = (listed.json.items as { listId: string }[])[0]!.listId;
    const own = await newPage();
    await signIn(own, key.hosp1);
    await own.goto(`${stack.url}/cases`);
    expect(await own.getByLabel('Hospital', { exact: true }).count()).toBe(0);
    await own.getByLabel('Settlement list id (listId)').fill(listId);
    await own.getByRole('button', { name: 'Look up' }).click();
    await own.locator('.result, .error').first().waitFor();
    await own.screenshot({ path: path.join(shots, 'cases-own.png'), fullPage: true });
    await own.getByRole('heading', { name: `${listId} — HOSP001` }).waitFor();
    await own.getByText('How it was grouped').waitFor();
    expect(await own.locator('ol.trace li').count()).toBeGreaterThan(0);
    await own.screenshot({ path: path.join(shots, 'cases-own.png'), fullPage: true });
    await own.close();

    const other = await newPage();
    await signIn(other, key.hosp2);
    expect(await other.getByRole('link', { name: 'Simulations' }).count()).toBe(0);
    await other.goto(`${stack.url}/cases`);
    await other.getByLabel('Settlement list id (listId)').fill(listId);
    await other.getByRole('button', { name: 'Look up' }).click();
    await other.getByRole('alert').getByText(`There is no case ${listId} for hospital HOSP002.`).waitFor();
    expect(await other.locator('.result').count()).toBe(0); // nothing of the case is shown
    expect(await other.locator('ol.trace').count()).toBe(0);
    await other.screenshot({ path: path.join(shots, 'cases-other-hospital.png'), fullPage: true });
    await other.goto(`${stack.url}/simulations`);
    await other.getByText('This page is for analyst or admin keys; you are signed in with a hospital key.').waitFor();
    await other.close();
  }, timeout);

  it('pre-checks and ingests an uploaded workbook, and downloads a result table as a real .xlsx', async () => {
    // This page's console errors only (an earlier test's closing page may still log one).
    const errorsBefore = consoleErrors.length;
    const page = await newPage();
    await signIn(page, key.hosp1);
    await page.goto(`${stack.url}/cases`);
    await page.getByLabel('Or a file').setInputFiles(path.join(projectRoot, 'examples', 'settlement-lists-2025-03.xlsx'));
    await page.getByRole('button', { name: 'Pre-check' }).click();
    const results = page.getByRole('table', { name: 'Pre-check results' });
    await results.locator('tbody tr').nth(116).waitFor();
    expect(await results.locator('tbody tr').count()).toBe(117);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download "Pre-check results" as Excel' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('pre-check-results.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await file.path());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Pre-check results');
    expect(sheet.rowCount).toBe(118);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['Record', 'listId', 'Status', 'DRG', 'Weight', 'Problems']);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const first = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(first.slice(0, 3)).toEqual([1, 'HOSP001-2025-0000008', 'Grouped']);
    expect(typeof first[4]).toBe('number'); // the weight, unrounded, as a number

    // The same workbook ingested with a hospital key: its own rows stored, the others refused by name.
    await page.getByRole('button', { name: 'Ingest (store)' }).click();
    await page.getByText(/: 72 accepted \(\d+ new, \d+ replaced, \d+ unchanged\), 45 rejected\./).waitFor();
    expect(await page.getByRole('table', { name: 'Rejected records' }).locator('tbody tr').count()).toBe(45);
    await page.screenshot({ path: path.join(shots, 'cases-workbook.png'), fullPage: true });
    expect(consoleErrors.slice(errorsBefore)).toEqual([]);
    await page.close();
  }, timeout);
});
