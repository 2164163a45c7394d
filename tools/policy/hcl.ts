/**
 * A small reader for the HCL expressions cdktf writes for `Fn.jsonencode(...)`:
 * `${jsonencode({"Version" = "2012-10-17", "Statement" = [{...}]})}`. It reads object
 * and tuple constructors, strings, numbers, booleans and null; anything else (a
 * reference such as `aws_kms_key.k.arn`, a function call) becomes the string
 * `${<expression>}`, so a rule sees "some computed value", never a literal `*`.
 */

export class HclParseError extends Error {}

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/** The value inside `${jsonencode(...)}`, or undefined when `text` is not such a call. */
export function parseJsonencode(text: string): unknown {
  const match = JSONENCODE.exec(text.trim());
  if (!match) {
    if (text.trim().startsWith('${jsonencode('))
      throw new HclParseError('not a complete jsonencode(...) call');
    return undefined;
  }
  return parseHclExpression(match[1]);
}

export function parseHclExpression(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd())
    throw new HclParseError(
      `unexpected text at ${parser.pos}: ${text.slice(parser.pos, parser.pos + 20)}`,
    );
  return value;
}

class Parser {
  pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos])) this.pos++;
  }

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.tuple();
    if (c === '"') return this.string();
    return this.bare();
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) throw new HclParseError(`expected "${ch}" at ${this.pos}`);
    this.pos++;
  }

  /** Consumes `ch` if it is next (after spaces). */
  private accept(ch: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  private object(): Record<string, unknown> {
    this.expect('{');
    const out: Record<string, unknown> = {};
    while (!this.accept('}')) {
      this.skipSpace();
      const key = this.text[this.pos] === '"' ? this.string() : this.identifier();
      if (!this.accept('=') && !this.accept(':'))
        throw new HclParseError(`expected "=" after key at ${this.pos}`);
      out[String(key)] = this.value();
      this.accept(',');
    }
    return out;
  }

  private identifier(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos));
    if (!match) throw new HclParseError(`expected an object key at ${this.pos}`);
    this.pos += match[0].length;
    return match[0];
  }

  private tuple(): unknown[] {
    this.expect('[');
    const out: unknown[] = [];
    while (!this.accept(']')) {
      out.push(this.value());
      this.accept(',');
    }
    return out;
  }

  private string(): string {
    this.expect('"');
    let out = '';
    let depth = 0; // inside ${ ... } a quote does not end the string
    while (!this.atEnd()) {
      const c = this.text[this.pos];
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        this.pos += 2;
        continue;
      }
      if (c === '$' && this.text[this.pos + 1] === '{') {
        depth++;
        out += '${';
        this.pos += 2;
        continue;
      }
      if (c === '}' && depth > 0) depth--;
      if (c === '"' && depth === 0) {
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
    throw new HclParseError('unterminated string');
  }

  /** A number, true/false/null, or an opaque expression up to the next `,` `}` `]` at depth 0. */
  private bare(): unknown {
    const start = this.pos;
    let depth = 0;
    while (!this.atEnd()) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if ((c === ',' || c === '=') && depth === 0) break;
      this.pos++;
    }
    const raw = this.text.slice(start, this.pos).trim();
    if (raw === '') throw new HclParseError(`expected a value at ${start}`);
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (raw === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    return `\${${raw}}`;
  }
}
