/**
 * `npm run cost:refresh [-- --region <r>]...`: rebuilds tools/cost/prices.json from the AWS Price
 * List bulk API (tools/cost/price-list.ts lists the offer files and filters). Exits 1 with the
 * reason, writing nothing, when the API cannot be reached or a rule matches no product; 2 with
 * the usage on a wrong argument.
 */
import { answerCommandLine, runCommand } from '../core';
import { loadPriceTable, PRICE_TABLE_PATH } from './price-table';
import { httpFetchJson, refreshPriceTable, refreshRegions, writePriceTable } from './refresh';

const USAGE = [
  'usage: npm run cost:refresh [-- --region <aws region>]...',
  '  Rebuilds tools/cost/prices.json from the AWS Price List bulk API (public, no credentials)',
  '  for the regions given, else for the regions the table already holds. Writes nothing when',
  '  the API cannot be reached or a price rule matches no product.',
].join('\n');

const regions = refreshRegions(process.argv.slice(2));
const answered = answerCommandLine('cost:refresh', USAGE, process.argv.slice(2), () =>
  typeof regions === 'string' ? regions : undefined,
);
if (answered !== undefined) process.exitCode = answered;
else {
  void runCommand('cost:refresh', async () => {
    const table = await refreshPriceTable({
      fetchJson: httpFetchJson(),
      current: loadPriceTable(),
      today: new Date().toISOString().slice(0, 10),
      regions: regions.length > 0 ? (regions as string[]) : undefined,
    });
    writePriceTable(PRICE_TABLE_PATH, table);
    process.stdout.write(
      `cost:refresh: wrote ${PRICE_TABLE_PATH} (${Object.keys(table.regions).join(', ')})\n`,
    );
    return 0;
  });
}
