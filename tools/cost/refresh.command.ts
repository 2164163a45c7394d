/**
 * `npm run cost:refresh [-- --region <r>]...`: rebuilds tools/cost/prices.json from the AWS Price
 * List bulk API (tools/cost/price-list.ts lists the offer files and filters). Exits 1 with the
 * reason, writing nothing, when the API cannot be reached or a rule matches no product.
 */
import { runCommand } from '../core';
import { loadPriceTable, PRICE_TABLE_PATH } from './price-table';
import { httpFetchJson, refreshPriceTable, writePriceTable } from './refresh';

void runCommand('cost:refresh', async () => {
  const args = process.argv.slice(2);
  const regions: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--region' || !args[i + 1]) {
      throw new Error(`unknown argument "${args[i]}" (expected --region <aws region>)`);
    }
    regions.push(args[++i]);
  }
  const table = await refreshPriceTable({
    fetchJson: httpFetchJson(),
    current: loadPriceTable(),
    today: new Date().toISOString().slice(0, 10),
    regions: regions.length > 0 ? regions : undefined,
  });
  writePriceTable(PRICE_TABLE_PATH, table);
  process.stdout.write(
    `cost:refresh: wrote ${PRICE_TABLE_PATH} (${Object.keys(table.regions).join(', ')})\n`,
  );
  return 0;
});
