/**
 * The price table: unit prices (USD, on-demand) per region, each with its source and the date
 * it was read. `prices.json` beside this file is the table the commands use; tests pass their
 * own. A key missing for a region is never guessed: `lookupPrice` says so, and the estimate
 * reports the line as unpriced ("no price for <region>").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Price {
  readonly usd: number;
  /** What one unit is, in words: `NAT gateway-hour`, `GB-month (Single-AZ)`. */
  readonly unit: string;
  /** Where the price was read: a URL and what it says. */
  readonly source: string;
  /** The date it was read, YYYY-MM-DD. */
  readonly read: string;
  /** How the price was derived from the source, when it is not quoted as is. */
  readonly note?: string;
}

export interface PriceTable {
  /** Hours billed in a month for hourly resources (AWS's own calculator uses 730). */
  readonly hoursPerMonth: number;
  readonly regions: Readonly<Record<string, Readonly<Record<string, Price>>>>;
}

/** The table shipped beside this file. */
export const PRICE_TABLE_PATH = join(__dirname, 'prices.json');

/** Checks a parsed table; throws naming the first entry that is not a price. */
export function parsePriceTable(value: unknown, source = 'price table'): PriceTable {
  const table = value as Partial<PriceTable> | null;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new Error(`${source}: expected a JSON object with hoursPerMonth and regions`);
  }
  if (typeof table.hoursPerMonth !== 'number' || !(table.hoursPerMonth > 0)) {
    throw new Error(`${source}: hoursPerMonth must be a positive number`);
  }
  if (typeof table.regions !== 'object' || table.regions === null) {
    throw new Error(`${source}: regions must be an object of region → prices`);
  }
  for (const [region, prices] of Object.entries(table.regions)) {
    for (const [key, price] of Object.entries(prices)) {
      const p = price as Partial<Price> | null;
      const where = `${source}: ${region} ${key}`;
      if (typeof p?.usd !== 'number' || !Number.isFinite(p.usd) || p.usd < 0) {
        throw new Error(`${where}: usd must be a number ≥ 0`);
      }
      if (!p.unit || !p.source) throw new Error(`${where}: unit and source are required`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(p.read ?? '')) {
        throw new Error(`${where}: read must be a date YYYY-MM-DD`);
      }
    }
  }
  return table as PriceTable;
}

export function loadPriceTable(path = PRICE_TABLE_PATH): PriceTable {
  return parsePriceTable(JSON.parse(readFileSync(path, 'utf8')), path);
}

export type PriceLookup =
  | { readonly price: Price }
  | { readonly price?: undefined; readonly missing: string };

/** The price of `key` in `region`, or why there is none. */
export function lookupPrice(
  table: PriceTable,
  region: string | undefined,
  key: string,
): PriceLookup {
  if (!region) return { missing: 'no region known' };
  const prices = table.regions[region];
  if (!prices) return { missing: `no price for ${region}` };
  const price = prices[key];
  return price ? { price } : { missing: `no price for ${region} (${key})` };
}
