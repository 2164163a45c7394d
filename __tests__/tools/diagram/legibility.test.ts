import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  labelSizes,
  legibilityProblem,
  MIN_LABEL_PX,
  OVERVIEW_FILE,
  PROJECT_ROOT,
  SCREEN_WIDTH_PX,
  smallestLabel,
  svgSize,
} from '../../../tools/diagram';

/** An SVG `width` user units wide holding these texts (font sizes in user units). */
function svgWith(width: number, texts: readonly [string, number][], transform = ''): string {
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    '<!-- <text font-size="1">a comment is not a label</text> -->',
    `<svg width="${width}pt" height="100pt" viewBox="0.00 0.00 ${width}.00 100.00">`,
    `<g id="graph0" class="graph" transform="${transform}">`,
    ...texts.map(([t, size]) => `<text x="1" y="2" font-size="${size}">${t}</text>`),
    '</g>',
    '</svg>',
  ].join('\n');
}

describe('the overview (docs/architecture.svg, kept equal to the stacks by main.test.ts)', () => {
  const overview = readFileSync(join(PROJECT_ROOT, 'docs', OVERVIEW_FILE), 'utf8');

  test(`drawn ${SCREEN_WIDTH_PX} px wide, every label is ${MIN_LABEL_PX} px high or more`, () => {
    const problem = legibilityProblem(overview, SCREEN_WIDTH_PX, MIN_LABEL_PX);
    if (problem) throw new Error(`docs/${OVERVIEW_FILE}: ${problem}`);
    expect(smallestLabel(overview, SCREEN_WIDTH_PX)!.px).toBeGreaterThanOrEqual(MIN_LABEL_PX);
  });

  test('its labels name what the overview promises: the request path and the stacks', () => {
    const texts = labelSizes(overview, SCREEN_WIDTH_PX).map((l) => l.text);
    for (const expected of [
      'Internet (API clients)',
      'WAF web ACL',
      'API Gateway REST API',
      'Lambda function',
      'RDS PostgreSQL',
      'ElastiCache Redis',
      '3 NAT gateways',
      'CloudTrail trail',
      'Terraform state backend (TapStateBackend)',
    ]) {
      expect(texts).toContain(expected);
    }
    // Counted, not one box per resource (how many changes with the stacks).
    expect(
      texts.filter((t) => /^\d+ (log groups|CloudWatch alarms|KMS keys)$/.test(t)).length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('labelSizes', () => {
  test('scales each font size by the width it is drawn at over the viewBox width', () => {
    expect(
      labelSizes(
        svgWith(3200, [
          ['a', 14],
          ['b', 20],
        ]),
        1600,
      ),
    ).toEqual([
      { text: 'a', px: 7 },
      { text: 'b', px: 10 },
    ]);
  });

  test('multiplies in the scale() of the groups around a text; other transforms do not count', () => {
    const svg = svgWith(1600, [['a', 10]], 'scale(2 1.5) rotate(0) translate(4 400)');
    expect(labelSizes(svg, 1600)).toEqual([{ text: 'a', px: 15 }]);
    expect(labelSizes(svgWith(1600, [['a', 10]], 'scale(0.5)'), 1600)).toEqual([
      { text: 'a', px: 5 },
    ]);
  });

  test("inherits the font size of an enclosing group, else SVG's 16; tspans and entities read as text", () => {
    const svg = [
      '<svg viewBox="0 0 800 100">',
      '<g font-size="12"><text x="0">GET &#47;ready &amp; <tspan>more</tspan></text></g>',
      '<g style="fill:red; font-size: 9px"><text>styled</text></g>',
      '<text>plain &#x2192; &lt;x&gt; &quot;q&quot; &apos;a&apos;</text>',
      '<text>   </text>',
      '<text/>',
      '</svg>',
    ].join('');
    expect(labelSizes(svg, 1600)).toEqual([
      { text: 'GET /ready & more', px: 24 },
      { text: 'styled', px: 18 },
      { text: 'plain → <x> "q" \'a\'', px: 32 },
    ]);
  });
  test('a stray closing tag is passed over', () => {
    const svg = '<svg viewBox="0 0 1600 10"></g></svg><text font-size="11">after</text>';
    expect(labelSizes(svg, 1600)).toEqual([{ text: 'after', px: 11 }]);
  });
});

describe('svgSize', () => {
  test('reads the viewBox, else the width and height', () => {
    expect(svgSize('<svg width="10pt" height="5pt" viewBox="0 0 300 200">')).toEqual({
      width: 300,
      height: 200,
    });
    expect(svgSize('<svg width="640" height="480">')).toEqual({ width: 640, height: 480 });
  });

  test('throws on a text that is no SVG, and on an SVG without a size', () => {
    expect(() => svgSize('<html></html>')).toThrow('not an SVG: no <svg> element');
    expect(() => svgSize('<svg viewBox="0 0 x y">')).toThrow(
      'the SVG gives neither a viewBox nor a size',
    );
  });
});

describe('legibilityProblem', () => {
  // 14 × 1600 / 2240 = 10 px exactly.
  test('passes a smallest label of exactly the minimum', () => {
    expect(
      legibilityProblem(
        svgWith(2240, [
          ['ok', 14],
          ['big', 20],
        ]),
        1600,
        10,
      ),
    ).toBeUndefined();
  });

  test('fails one unit wider, naming the smallest label and its size', () => {
    const svg = svgWith(2241, [
      ['big', 20],
      ['5432', 14],
      ['also 14', 14],
    ]);
    expect(legibilityProblem(svg, 1600, 10)).toBe(
      'drawn 1600 px wide, its smallest label "5432" is 9.99 px high (the picture is 2241 units wide); ' +
        'every label must be 10 px or more: make the picture narrower (fewer or shorter lines side by side) or its text larger',
    );
    expect(smallestLabel(svg, 1600)!.px).toBeCloseTo(9.9955, 4);
  });

  test('an SVG without text cannot be read', () => {
    expect(legibilityProblem(svgWith(100, []), 1600, 10)).toBe('the SVG has no text to read');
  });
});
