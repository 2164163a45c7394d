/**
 * How big the texts of an SVG are when it is shown a given number of pixels wide, read from
 * its geometry: the viewBox (or width) maps to that many pixels, each text's font-size (its
 * own or inherited) is scaled by that and by the scale() transforms of the groups around it.
 * Graphviz's SVG is all this needs to read: no script, no CSS, no nested SVG.
 */

/** The overview must read on a screen this wide ... */
export const SCREEN_WIDTH_PX = 1600;
/** ... with every label at least this high. */
export const MIN_LABEL_PX = 10;

export interface LabelSize {
  /** The text, entities decoded. */
  readonly text: string;
  /** Its font size on screen, in pixels. */
  readonly px: number;
}

/** The SVG's size in user units: its viewBox, else its width and height attributes. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0];
  if (!root) throw new Error('not an SVG: no <svg> element');
  const viewBox = attribute(root, 'viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  if (viewBox && viewBox.length === 4 && viewBox.every(Number.isFinite)) {
    return { width: viewBox[2], height: viewBox[3] };
  }
  const width = parseFloat(attribute(root, 'width') ?? '');
  const height = parseFloat(attribute(root, 'height') ?? '');
  if (!(width > 0) || !(height > 0)) throw new Error('the SVG gives neither a viewBox nor a size');
  return { width, height };
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(tag)?.[1];
}

/** The vertical factor of the scale() steps of a transform attribute (1 without any). */
function scaleOf(transform: string | undefined): number {
  let factor = 1;
  for (const m of (transform ?? '').matchAll(
    /scale\(\s*([-\d.eE+]+)(?:[\s,]+([-\d.eE+]+))?\s*\)/g,
  )) {
    factor *= Math.abs(Number(m[2] ?? m[1]));
  }
  return factor;
}

function fontSizeOf(tag: string): number | undefined {
  const value =
    attribute(tag, 'font-size') ??
    /font-size\s*:\s*([\d.]+)/.exec(attribute(tag, 'style') ?? '')?.[1];
  return value === undefined ? undefined : parseFloat(value);
}

function decode(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** SVG's initial font size (CSS `medium`), for a text that no element gives one. */
const DEFAULT_FONT_SIZE = 16;

/** Every non-empty text of the SVG with its on-screen height when drawn `widthPx` wide. */
export function labelSizes(svg: string, widthPx: number): LabelSize[] {
  const pxPerUnit = widthPx / svgSize(svg).width;
  const body = svg.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/gi, '');
  // What each open element passes to its children: the scale so far and the font size.
  const stack: { tag: string; scale: number; fontSize: number }[] = [
    { tag: '', scale: 1, fontSize: DEFAULT_FONT_SIZE },
  ];
  const out: LabelSize[] = [];
  let text: { fontSize: number; scale: number; content: string } | undefined;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>|([^<]+)/g)) {
    const [, closing, tag, attrs, selfClosing, content] = m;
    const parent = stack[stack.length - 1];
    if (content !== undefined) {
      if (text) text.content += content;
    } else if (closing) {
      if (stack.length > 1) stack.pop();
      if (tag === 'text' && text) {
        const label = decode(text.content.replace(/\s+/g, ' ')).trim();
        if (label) out.push({ text: label, px: text.fontSize * text.scale * pxPerUnit });
        text = undefined;
      }
    } else {
      const element = {
        tag,
        scale: parent.scale * scaleOf(attribute(attrs, 'transform')),
        fontSize: fontSizeOf(attrs) ?? parent.fontSize,
      };
      if (tag === 'text' && !selfClosing) text = { ...element, content: '' };
      if (!selfClosing) stack.push(element);
    }
  }
  return out;
}

/** The smallest text of the SVG drawn `widthPx` wide (the first of equals), if it has any. */
export function smallestLabel(svg: string, widthPx: number): LabelSize | undefined {
  return labelSizes(svg, widthPx).reduce<LabelSize | undefined>(
    (min, l) => (min === undefined || l.px < min.px ? l : min),
    undefined,
  );
}

/**
 * Why the SVG cannot be read at `widthPx` wide, naming its smallest text, or undefined when
 * every text is `minPx` high or more.
 */
export function legibilityProblem(svg: string, widthPx: number, minPx: number): string | undefined {
  const smallest = smallestLabel(svg, widthPx);
  if (smallest === undefined) return 'the SVG has no text to read';
  if (smallest.px >= minPx) return undefined;
  // Rounded down: a size just under the minimum must not read as the minimum.
  return (
    `drawn ${widthPx} px wide, its smallest label "${smallest.text}" is ${(Math.floor(smallest.px * 100) / 100).toFixed(2)} px high ` +
    `(the picture is ${svgSize(svg).width} units wide); every label must be ${minPx} px or more: ` +
    'make the picture narrower (fewer or shorter lines side by side) or its text larger'
  );
}
