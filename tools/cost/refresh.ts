/**
 * `npm run cost:refresh`: rebuilds the price table from the AWS Price List bulk API. All or
 * nothing: every offer file is fetched and every rule priced before anything is written, and
 * the file is replaced by a rename, so a failure (the API unreachable, a rule that matches
 * nothing) leaves the table as it was. Keys no rule covers (usage-based services, derived
 * prices) are kept from the current table with their own sources and dates.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { unexpectedArgument } from '../core';
import {
  PRICE_LIST_HOST,
  PRICE_LIST_INDEX,
  PRICE_RULES,
  OfferFile,
  PriceRule,
  priceFromOffer,
} from './price-list';
import type { Price, PriceTable } from './price-table';

export type FetchJson = (url: string) => Promise<unknown>;

export interface RefreshOptions {
  readonly fetchJson: FetchJson;
  /** The table being replaced: its regions are refreshed, its uncovered keys kept. */
  readonly current: PriceTable;
  /** YYYY-MM-DD, the date the prices are read. */
  readonly today: string;
  /** @default the regions of `current` */
  readonly regions?: readonly string[];
  /** @default PRICE_RULES */
  readonly rules?: readonly PriceRule[];
}

/** The new table; throws (writing nothing) when any fetch or rule fails. */
export async function refreshPriceTable(options: RefreshOptions): Promise<PriceTable> {
  const rules = options.rules ?? PRICE_RULES;
  const regions = options.regions ?? Object.keys(options.current.regions);
  const index = (await get(options.fetchJson, PRICE_LIST_INDEX)) as {
    offers?: Record<string, { currentRegionIndexUrl?: string }>;
  };
  const offers = [...new Set(rules.map((r) => r.offer))];
  const regionIndexes = new Map<string, Record<string, { currentVersionUrl?: string }>>();
  for (const offer of offers) {
    const url = index.offers?.[offer]?.currentRegionIndexUrl;
    if (!url) throw new Error(`${PRICE_LIST_INDEX} lists no region index for offer ${offer}`);
    const regionIndex = (await get(options.fetchJson, `${PRICE_LIST_HOST}${url}`)) as {
      regions?: Record<string, { currentVersionUrl?: string }>;
    };
    regionIndexes.set(offer, regionIndex.regions ?? {});
  }
  const out: Record<string, Record<string, Price>> = {};
  for (const region of regions) {
    const prices: Record<string, Price> = {};
    for (const offer of offers) {
      const path = regionIndexes.get(offer)![region]?.currentVersionUrl;
      if (!path) throw new Error(`the ${offer} region index has no offer file for ${region}`);
      const url = `${PRICE_LIST_HOST}${path}`;
      const file = (await get(options.fetchJson, url)) as OfferFile;
      for (const rule of rules.filter((r) => r.offer === offer)) {
        prices[rule.key] = priceFromOffer(file, rule, { url, read: options.today });
      }
    }
    // Keys no rule covers keep their hand-cited values.
    for (const [key, price] of Object.entries(options.current.regions[region] ?? {})) {
      if (!(key in prices)) prices[key] = price;
    }
    out[region] = Object.fromEntries(Object.entries(prices).sort(([a], [b]) => a.localeCompare(b)));
  }
  return { ...options.current, regions: out };
}

async function get(fetchJson: FetchJson, url: string): Promise<unknown> {
  try {
    return await fetchJson(url);
  } catch (error) {
    throw new Error(
      `the AWS Price List is unreachable (${url}): ${(error as Error).message}; the price table was not changed`,
    );
  }
}

/** Writes the table next to `path` and renames it into place: readers never see half a file. */
export function writePriceTable(path: string, table: PriceTable): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(table, null, 2)}\n`);
  renameSync(temp, path);
}

/** fetch + JSON, failing on a non-2xx status or after `timeoutMs`. */
export function httpFetchJson(timeoutMs = 120_000): FetchJson {
  return async (url) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as unknown;
  };
}

/** The regions of `cost:refresh`'s `--region <r>` pairs, or what is wrong with the arguments. */
export function refreshRegions(argv: readonly string[]): string[] | string {
  const regions: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--region') return unexpectedArgument(argv[i]);
    const region = argv[i + 1];
    if (region === undefined || region.startsWith('-')) return '--region needs a value';
    regions.push(region);
    i++;
  }
  return regions;
}
