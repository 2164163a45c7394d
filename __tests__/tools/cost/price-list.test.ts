/**
 * The Price List refresh on small fixtures shaped like the bulk API's files (index.json,
 * region_index.json, an offer file with products and terms.OnDemand priceDimensions). No network.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  httpFetchJson,
  loadPriceTable,
  OfferFile,
  parsePriceTable,
  PRICE_LIST_INDEX,
  PRICE_RULES,
  PRICE_TABLE_PATH,
  priceFromOffer,
  PriceRule,
  PriceTable,
  refreshPriceTable,
  refreshRegions,
  withoutRegionPrefix,
  writePriceTable,
} from '../../../tools/cost';

const HOST = 'https://pricing.us-east-1.amazonaws.com';
const RULE: PriceRule = {
  key: 'nat.hour',
  offer: 'AmazonEC2',
  productFamily: 'NAT Gateway',
  usagetype: 'NatGateway-Hours',
  unit: 'NAT gateway-hour',
};

/** One product with one On-Demand price dimension, as the offer files write them. */
function product(
  sku: string,
  family: string,
  attributes: Record<string, string>,
  usd: string,
  beginRange = '0',
) {
  return {
    product: {
      sku,
      productFamily: family,
      attributes: { servicecode: 'AmazonEC2', ...attributes },
    },
    term: {
      [`${sku}.JRTCKXETXF`]: {
        offerTermCode: 'JRTCKXETXF',
        sku,
        effectiveDate: '2026-09-01T00:00:00Z',
        priceDimensions: {
          [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
            rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
            description: `$${usd} per unit`,
            beginRange,
            endRange: 'Inf',
            unit: 'Hrs',
            pricePerUnit: { USD: usd },
            appliesTo: [],
          },
        },
        termAttributes: {},
      },
    },
  };
}

function offer(...items: ReturnType<typeof product>[]): OfferFile {
  return {
    offerCode: 'AmazonEC2',
    publicationDate: '2026-09-25T17:45:21Z',
    products: Object.fromEntries(items.map((i) => [i.product.sku, i.product])),
    terms: { OnDemand: Object.fromEntries(items.map((i) => [i.product.sku, i.term])) },
  } as OfferFile;
}

const EU_NAT = offer(
  product(
    'KFNSSCHWD43WZK2R',
    'NAT Gateway',
    { usagetype: 'EU-NatGateway-Hours', operation: 'NatGateway' },
    '0.0480000000',
  ),
  product(
    'DTH8595YVPFXV226',
    'NAT Gateway',
    { usagetype: 'EU-NatGateway-Bytes', operation: 'NatGateway' },
    '0.0480000000',
  ),
  product(
    'PRVD0000000000001',
    'NAT Gateway',
    { usagetype: 'EU-NatGateway-Prvd-Gbps', operation: 'NatGateway' },
    '1.1640000000',
  ),
  product(
    'CMP00000000000001',
    'Compute Instance',
    { usagetype: 'EU-BoxUsage:m5.large' },
    '0.1070000000',
  ),
);
const META = {
  url: `${HOST}/offers/v1.0/aws/AmazonEC2/20260925174521/eu-west-1/index.json`,
  read: '2026-12-07',
};

describe('priceFromOffer', () => {
  test('takes the first-tier On-Demand price of the one product the rule matches', () => {
    expect(priceFromOffer(EU_NAT, RULE, META)).toEqual({
      usd: 0.048,
      unit: 'NAT gateway-hour',
      source: `${META.url} (AWS Price List, productFamily=NAT Gateway usagetype=*NatGateway-Hours, published 2026-09-25T17:45:21Z)`,
      read: '2026-12-07',
    });
  });

  test('scales per-request prices to the table unit and skips later tiers', () => {
    const apigw = offer(
      product('T1', 'API Calls', { usagetype: 'EU-ApiGatewayRequest' }, '0.0000035000'),
      product(
        'T2',
        'API Calls',
        { usagetype: 'EU-ApiGatewayRequest' },
        '0.0000031900',
        '333000000',
      ),
    );
    const rule = {
      key: 'apigw.millionRequests',
      offer: 'AmazonApiGateway',
      usagetype: 'ApiGatewayRequest',
      unit: 'million requests',
      factor: 1e6,
    };
    expect(priceFromOffer(apigw, rule, META).usd).toBe(3.5);
  });

  test('matches the other attributes a rule names', () => {
    const rds = offer(
      product(
        'PG',
        'Database Instance',
        {
          usagetype: 'EU-InstanceUsage:db.t4g.medium',
          databaseEngine: 'PostgreSQL',
          deploymentOption: 'Single-AZ',
        },
        '0.0710000000',
      ),
      product(
        'MY',
        'Database Instance',
        {
          usagetype: 'EU-InstanceUsage:db.t4g.medium',
          databaseEngine: 'MySQL',
          deploymentOption: 'Single-AZ',
        },
        '0.0680000000',
      ),
    );
    const rule = PRICE_RULES.find((r) => r.key === 'rds.instance.db.t4g.medium')!;
    expect(priceFromOffer(rds, rule, META).usd).toBe(0.071);
  });

  test('fails loudly when nothing matches, and when matches disagree', () => {
    expect(() => priceFromOffer(offer(), RULE, META)).toThrow(
      `nat.hour: no On-Demand product matches productFamily=NAT Gateway usagetype=*NatGateway-Hours in ${META.url}`,
    );
    const two = offer(
      product('A', 'NAT Gateway', { usagetype: 'EU-NatGateway-Hours' }, '0.048'),
      product('B', 'NAT Gateway', { usagetype: 'NatGateway-Hours' }, '0.045'),
    );
    expect(() => priceFromOffer(two, RULE, META)).toThrow(
      /disagree \(0\.045, 0\.048 USD\); make the rule narrower/,
    );
  });

  test('tolerates products without attributes or terms, a missing beginRange and a non-numeric price', () => {
    const odd = {
      products: {
        BARE: {},
        NOTERM: { productFamily: 'NAT Gateway', attributes: { usagetype: 'EU-NatGateway-Hours' } },
        OK: { productFamily: 'NAT Gateway', attributes: { usagetype: 'EU-NatGateway-Hours' } },
        NAN: { productFamily: 'NAT Gateway', attributes: { usagetype: 'EU-NatGateway-Hours' } },
      },
      terms: {
        OnDemand: {
          OK: { t: { priceDimensions: { d: { pricePerUnit: { USD: '0.05' } } } } },
          NAN: { t: { priceDimensions: { d: { beginRange: '0', pricePerUnit: {} } } } },
        },
      },
    } as unknown as OfferFile;
    const price = priceFromOffer(odd, RULE, { url: 'u', read: '2026-12-07' });
    expect(price.usd).toBe(0.05);
    expect(price.source).toBe(
      'u (AWS Price List, productFamily=NAT Gateway usagetype=*NatGateway-Hours)',
    );
    expect(() => priceFromOffer({ terms: {} } as unknown as OfferFile, RULE, META)).toThrow(
      /no On-Demand product/,
    );
  });

  test('region prefixes come off usage types; names that only look like one stay', () => {
    expect(withoutRegionPrefix('EU-NatGateway-Hours')).toBe('NatGateway-Hours');
    expect(withoutRegionPrefix('EUC1-VpcEndpoint-Hours')).toBe('VpcEndpoint-Hours');
    expect(withoutRegionPrefix('USE1-CW:AlarmMonitorUsage')).toBe('CW:AlarmMonitorUsage');
    expect(withoutRegionPrefix('NatGateway-Hours')).toBe('NatGateway-Hours');
    expect(withoutRegionPrefix('KMS-Keys')).toBe('KMS-Keys');
  });

  test('every key of the table has at most one rule', () => {
    const keys = PRICE_RULES.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('refreshPriceTable', () => {
  const current: PriceTable = {
    hoursPerMonth: 730,
    regions: {
      'eu-west-1': {
        'nat.hour': { usd: 0.047, unit: 'old', source: 'old', read: '2026-01-01' },
        'guardduty.millionEvents': {
          usd: 4,
          unit: 'million events',
          source: 'hand-cited',
          read: '2026-12-01',
        },
      },
    },
  };
  const files: Record<string, unknown> = {
    [PRICE_LIST_INDEX]: {
      offers: {
        AmazonEC2: {
          offerCode: 'AmazonEC2',
          currentRegionIndexUrl: '/offers/v1.0/aws/AmazonEC2/current/region_index.json',
        },
      },
    },
    [`${HOST}/offers/v1.0/aws/AmazonEC2/current/region_index.json`]: {
      regions: {
        'eu-west-1': {
          regionCode: 'eu-west-1',
          currentVersionUrl: '/offers/v1.0/aws/AmazonEC2/20260925174521/eu-west-1/index.json',
        },
      },
    },
    [META.url]: EU_NAT,
  };
  const fetchJson = async (url: string) => {
    if (!(url in files)) throw new Error('getaddrinfo ENOTFOUND pricing.us-east-1.amazonaws.com');
    return files[url];
  };
  const rules = [
    RULE,
    { ...RULE, key: 'nat.gb', usagetype: 'NatGateway-Bytes', unit: 'GB processed' },
  ];

  test('rebuilds the covered keys from the offer files and keeps the hand-cited rest', async () => {
    const table = await refreshPriceTable({ fetchJson, current, today: '2026-12-07', rules });
    expect(Object.keys(table.regions['eu-west-1'])).toEqual([
      'guardduty.millionEvents',
      'nat.gb',
      'nat.hour',
    ]);
    expect(table.regions['eu-west-1']['nat.hour']).toMatchObject({
      usd: 0.048,
      read: '2026-12-07',
    });
    expect(table.regions['eu-west-1']['guardduty.millionEvents'].source).toBe('hand-cited');
    expect(table.hoursPerMonth).toBe(730);
  });

  test('an unreachable API fails with a clear message', async () => {
    await expect(
      refreshPriceTable({
        fetchJson: async () => {
          throw new Error('fetch failed');
        },
        current,
        today: '2026-12-07',
        rules,
      }),
    ).rejects.toThrow(
      `the AWS Price List is unreachable (${PRICE_LIST_INDEX}): fetch failed; the price table was not changed`,
    );
  });

  test('a region or offer the API does not list fails before anything is written', async () => {
    await expect(
      refreshPriceTable({ fetchJson, current, today: '2026-12-07', rules, regions: ['mars-1'] }),
    ).rejects.toThrow('the AmazonEC2 region index has no offer file for mars-1');
    await expect(
      refreshPriceTable({
        fetchJson,
        current,
        today: '2026-12-07',
        rules: [{ ...RULE, offer: 'AmazonRDS' }],
      }),
    ).rejects.toThrow(`${PRICE_LIST_INDEX} lists no region index for offer AmazonRDS`);
    const empty: Record<string, unknown> = {
      ...files,
      [`${HOST}/offers/v1.0/aws/AmazonEC2/current/region_index.json`]: {},
    };
    await expect(
      refreshPriceTable({
        fetchJson: async (u) => empty[u],
        current,
        today: '2026-12-07',
        rules,
        regions: ['eu-west-1'],
      }),
    ).rejects.toThrow('no offer file for eu-west-1');
    await expect(
      refreshPriceTable({ fetchJson: async () => ({}), current, today: '2026-12-07', rules }),
    ).rejects.toThrow('lists no region index for offer AmazonEC2');
  });

  test('a new region starts from the API alone', async () => {
    const table = await refreshPriceTable({
      fetchJson,
      current: { hoursPerMonth: 730, regions: {} },
      today: '2026-12-07',
      rules,
      regions: ['eu-west-1'],
    });
    expect(Object.keys(table.regions['eu-west-1'])).toEqual(['nat.gb', 'nat.hour']);
  });
});

describe('httpFetchJson', () => {
  afterEach(() => jest.restoreAllMocks());

  test('returns the body of a 2xx answer and fails on any other status', async () => {
    const fetchMock = jest.spyOn(globalThis, 'fetch');
    fetchMock.mockResolvedValueOnce(new Response('{"offers":{}}', { status: 200 }));
    await expect(httpFetchJson(1000)(PRICE_LIST_INDEX)).resolves.toEqual({ offers: {} });
    fetchMock.mockResolvedValueOnce(new Response('denied', { status: 403 }));
    await expect(httpFetchJson(1000)(PRICE_LIST_INDEX)).rejects.toThrow('HTTP 403');
    expect(fetchMock.mock.calls[0][0]).toBe(PRICE_LIST_INDEX);
  });
});

describe('the price table file', () => {
  test('writePriceTable replaces the file whole and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-prices-'));
    try {
      const path = join(dir, 'prices.json');
      writeFileSync(path, 'old');
      const table: PriceTable = { hoursPerMonth: 730, regions: {} };
      writePriceTable(path, table);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(table);
      expect(readdirSync(dir)).toEqual(['prices.json']);
      expect(loadPriceTable(path)).toEqual(table);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the shipped table parses, every price cites a source and a date', () => {
    expect(existsSync(PRICE_TABLE_PATH)).toBe(true);
    const table = loadPriceTable();
    expect(table.hoursPerMonth).toBe(730);
    expect(Object.keys(table.regions).sort()).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1']);
  });

  test.each([
    [null, 'expected a JSON object'],
    [{ hoursPerMonth: 0, regions: {} }, 'hoursPerMonth must be a positive number'],
    [{ hoursPerMonth: 730 }, 'regions must be an object'],
    [
      {
        hoursPerMonth: 730,
        regions: { r: { k: { usd: -1, unit: 'u', source: 's', read: '2026-12-07' } } },
      },
      'r k: usd must be a number ≥ 0',
    ],
    [
      {
        hoursPerMonth: 730,
        regions: { r: { k: { usd: 1, unit: '', source: 's', read: '2026-12-07' } } },
      },
      'r k: unit and source are required',
    ],
    [
      {
        hoursPerMonth: 730,
        regions: { r: { k: { usd: 1, unit: 'u', source: 's', read: 'Dec 7' } } },
      },
      'r k: read must be a date YYYY-MM-DD',
    ],
    [{ hoursPerMonth: 730, regions: { r: { k: null } } }, 'r k: usd must be a number ≥ 0'],
  ])('refuses a malformed table: %j', (value, message) => {
    expect(() => parsePriceTable(value, 'prices')).toThrow(`prices: ${message}`);
  });
});

describe("refreshRegions (cost:refresh's arguments)", () => {
  test('reads every --region pair, in order; none is none', () => {
    expect(refreshRegions([])).toEqual([]);
    expect(refreshRegions(['--region', 'eu-west-1', '--region', 'us-east-1'])).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  test.each([
    [['--help'], 'unknown option --help'],
    [['eu-west-1'], 'unexpected argument eu-west-1'],
    [['--region'], '--region needs a value'],
    [['--region', '--region', 'eu-west-1'], '--region needs a value'],
    [['--region', 'eu-west-1', '--regions', 'x'], 'unknown option --regions'],
  ])('names what is wrong with %j', (argv, problem) => {
    expect(refreshRegions(argv)).toBe(problem);
  });
});
