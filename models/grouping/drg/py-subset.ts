/**
 * A reader of the small subset of Python that OpenDRG's generated scheme files are written in:
 * a tokenizer (with Python's INDENT/DEDENT and bracket-aware line joining) and a
 * recursive-descent parser of statements (`from … import`, assignments, `def`, `if`/`elif`/
 * `else`, `for`, `return`, expression statements) and expressions (`or`/`and`/`not`, chained
 * comparisons incl. `in`/`not in`, arithmetic, calls, attributes, subscripts and slices, list /
 * set / dict displays and one-clause list comprehensions).
 *
 * The files are read as data: nothing is executed. Anything outside the subset is a
 * {@link PySyntaxError} naming the file and line.
 */

export type PyExpr =
  | { kind: 'name'; id: string; line: number }
  | { kind: 'num'; value: number; line: number }
  | { kind: 'str'; value: string; line: number }
  | { kind: 'const'; value: boolean | null; line: number }
  | { kind: 'list' | 'set' | 'tuple'; items: PyExpr[]; line: number }
  | { kind: 'dict'; entries: [PyExpr, PyExpr][]; line: number }
  | { kind: 'listcomp'; elt: PyExpr; target: string; iter: PyExpr; cond: PyExpr | null; line: number }
  | { kind: 'bool'; op: 'and' | 'or'; values: PyExpr[]; line: number }
  | { kind: 'not'; operand: PyExpr; line: number }
  | { kind: 'neg'; operand: PyExpr; line: number }
  | { kind: 'compare'; left: PyExpr; ops: CompareOp[]; rights: PyExpr[]; line: number }
  | { kind: 'binop'; op: string; left: PyExpr; right: PyExpr; line: number }
  | { kind: 'call'; func: PyExpr; args: PyExpr[]; keywords: [string, PyExpr][]; line: number }
  | { kind: 'attr'; value: PyExpr; attr: string; line: number }
  | { kind: 'index'; value: PyExpr; index: PyExpr; line: number }
  | { kind: 'slice'; value: PyExpr; lower: PyExpr | null; upper: PyExpr | null; line: number };

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in' | 'not in';

export type PyStmt =
  | { kind: 'import'; module: string; names: string[]; line: number }
  | { kind: 'assign'; target: PyExpr; value: PyExpr; line: number }
  | { kind: 'expr'; value: PyExpr; line: number }
  | { kind: 'return'; value: PyExpr | null; line: number }
  | { kind: 'def'; name: string; params: string[]; body: PyStmt[]; line: number }
  | { kind: 'if'; test: PyExpr; body: PyStmt[]; orelse: PyStmt[]; line: number }
  | { kind: 'for'; target: string; iter: PyExpr; body: PyStmt[]; line: number }
  | { kind: 'class'; name: string; body: PyStmt[]; line: number }
  | { kind: 'del'; target: PyExpr; line: number }
  | { kind: 'pass' | 'break' | 'continue'; line: number };

export class PySyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'PySyntaxError';
  }
}

type TokKind = 'name' | 'num' | 'str' | 'op' | 'newline' | 'indent' | 'dedent' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  line: number;
}

const twoCharOps = new Set(['<=', '>=', '==', '!=', '**', '//', '->', '+=', '-=']);
const oneCharOps = new Set([...'()[]{}:,.+-*/%<>=|&~@']);

/** Tokenize a Python source (the subset): names, numbers, strings, operators and the layout tokens. */
export function tokenize(file: string, text: string): Token[] {
  const out: Token[] = [];
  const indents = [0];
  let depth = 0;
  let line = 1;
  let i = 0;
  let atLineStart = true;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    if (atLineStart && depth === 0) {
      let col = 0;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) {
        col += text[i] === '\t' ? 8 - (col % 8) : 1;
        i++;
      }
      const c = text[i];
      if (i >= n || c === '\n' || c === '\r' || c === '#') {
        // Blank or comment-only line: no layout tokens.
        while (i < n && text[i] !== '\n') i++;
        if (i < n) {
          i++;
          line++;
        }
        continue;
      }
      atLineStart = false;
      if (col > indents[indents.length - 1]!) {
        indents.push(col);
        out.push({ kind: 'indent', text: '', line });
      } else {
        while (col < indents[indents.length - 1]!) {
          indents.pop();
          out.push({ kind: 'dedent', text: '', line });
        }
        if (col !== indents[indents.length - 1]) throw new PySyntaxError(file, line, 'inconsistent indentation');
      }
    }
    const c = text[i]!;
    if (c === '\n') {
      if (depth === 0) {
        out.push({ kind: 'newline', text: '', line });
        atLineStart = true;
      }
      i++;
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = line;
      const [value, end, lines] = readString(file, text, i, line);
      out.push({ kind: 'str', text: value, line: start });
      i = end;
      line += lines;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i;
      while (j < n && /[0-9._eE]/.test(text[j]!)) j++;
      out.push({ kind: 'num', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    if (isNameStart(c)) {
      let j = i + 1;
      while (j < n && isNamePart(text[j]!)) j++;
      const word = text.slice(i, j);
      if ((text[j] === '"' || text[j] === "'") && /^[rRuUbBfF]{1,2}$/.test(word)) {
        if (/[fF]/.test(word)) throw new PySyntaxError(file, line, 'f-strings are outside the subset this reader understands');
        i = j;
        continue; // string prefix: the string follows
      }
      out.push({ kind: 'name', text: word, line });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (twoCharOps.has(two)) {
      out.push({ kind: 'op', text: two, line });
      i += 2;
      continue;
    }
    if (oneCharOps.has(c)) {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
      out.push({ kind: 'op', text: c, line });
      i++;
      continue;
    }
    throw new PySyntaxError(file, line, `unexpected character ${JSON.stringify(c)}`);
  }
  if (!atLineStart) out.push({ kind: 'newline', text: '', line });
  while (indents.length > 1) {
    indents.pop();
    out.push({ kind: 'dedent', text: '', line });
  }
  out.push({ kind: 'eof', text: '', line });
  return out;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c.charCodeAt(0) > 127;
}
function isNamePart(c: string): boolean {
  return isNameStart(c) || isDigit(c);
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function readString(file: string, text: string, start: number, line: number): [string, number, number] {
  const quote = text[start]!;
  const triple = text.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let i = start + close.length;
  let lines = 0;
  // Fast path: no escapes before the closing quote.
  const end = text.indexOf(close, i);
  if (end >= 0) {
    const raw = text.slice(i, end);
    if (!raw.includes('\\') && (triple || !raw.includes('\n'))) {
      for (const ch of raw) if (ch === '\n') lines++;
      return [raw, end + close.length, lines];
    }
  }
  let value = '';
  while (i < text.length) {
    if (text.startsWith(close, i)) return [value, i + close.length, lines];
    const c = text[i]!;
    if (c === '\n') {
      if (!triple) throw new PySyntaxError(file, line, 'unterminated string');
      lines++;
    }
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      value += escapes[next] ?? `\\${next}`;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new PySyntaxError(file, line, 'unterminated string');
}

/** Parse a Python source file of the subset into statements. */
export function parsePython(file: string, text: string): PyStmt[] {
  return new Parser(file, tokenize(file, text)).module();
}

const comparisonOps = new Set(['<', '<=', '>', '>=', '==', '!=']);

class Parser {
  private pos = 0;
  constructor(
    private readonly file: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === text;
  }
  private isWord(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'name' && t.text === text;
  }
  private fail(message: string, token = this.peek()): never {
    throw new PySyntaxError(this.file, token.line, message);
  }
  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(`expected "${text}" but found ${describe(this.peek())}`);
    return this.next();
  }
  private expectWord(text: string): Token {
    if (!this.isWord(text)) this.fail(`expected "${text}" but found ${describe(this.peek())}`);
    return this.next();
  }
  private expectName(): string {
    const t = this.next();
    if (t.kind !== 'name') this.fail(`expected a name but found ${describe(t)}`, t);
    return t.text;
  }

  module(): PyStmt[] {
    const out: PyStmt[] = [];
    while (this.peek().kind !== 'eof') {
      if (this.peek().kind === 'newline') {
        this.next();
        continue;
      }
      out.push(...this.statement());
    }
    return out;
  }

  private statement(): PyStmt[] {
    const t = this.peek();
    if (t.kind === 'indent') this.fail('unexpected indentation');
    if (t.kind === 'name') {
      switch (t.text) {
        case 'def':
          return [this.def()];
        case 'if':
          return [this.ifStatement()];
        case 'for':
          return [this.forStatement()];
        case 'class':
          return [this.classDef()];
        case 'while':
        case 'try':
        case 'with':
        case 'lambda':
        case 'global':
        case 'yield':
        case 'raise':
          this.fail(`"${t.text}" is outside the subset this reader understands`);
      }
    }
    const out = [this.simple()];
    this.endOfLine();
    return out;
  }

  private endOfLine(): void {
    const t = this.peek();
    if (t.kind === 'newline') this.next();
    else if (t.kind !== 'eof' && t.kind !== 'dedent') this.fail(`expected the end of the line but found ${describe(t)}`);
  }

  private simple(): PyStmt {
    const t = this.peek();
    if (t.kind === 'name') {
      if (t.text === 'from') {
        this.next();
        let module = this.expectName();
        while (this.isOp('.')) {
          this.next();
          module += '.' + this.expectName();
        }
        this.expectWord('import');
        const names = [this.expectName()];
        while (this.isOp(',')) {
          this.next();
          names.push(this.expectName());
        }
        return { kind: 'import', module, names, line: t.line };
      }
      if (t.text === 'import') {
        this.next();
        const names = [this.dotted()];
        while (this.isOp(',')) {
          this.next();
          names.push(this.dotted());
        }
        return { kind: 'import', module: names[0]!, names, line: t.line };
      }
      if (t.text === 'return') {
        this.next();
        const k = this.peek().kind;
        return { kind: 'return', value: k === 'newline' || k === 'eof' || k === 'dedent' ? null : this.expression(), line: t.line };
      }
      if (t.text === 'pass' || t.text === 'break' || t.text === 'continue') {
        this.next();
        return { kind: t.text, line: t.line };
      }
      if (t.text === 'del') {
        this.next();
        return { kind: 'del', target: this.expression(), line: t.line };
      }
    }
    const value = this.expression();
    if (this.isOp('=')) {
      this.next();
      return { kind: 'assign', target: value, value: this.expression(), line: t.line };
    }
    return { kind: 'expr', value, line: t.line };
  }

  private dotted(): string {
    let name = this.expectName();
    while (this.isOp('.')) {
      this.next();
      name += '.' + this.expectName();
    }
    return name;
  }

  private suite(): PyStmt[] {
    this.expectOp(':');
    if (this.peek().kind !== 'newline') {
      const out = [this.simple()];
      this.endOfLine();
      return out;
    }
    this.next();
    if (this.peek().kind !== 'indent') this.fail('expected an indented block');
    this.next();
    const out: PyStmt[] = [];
    while (this.peek().kind !== 'dedent' && this.peek().kind !== 'eof') {
      if (this.peek().kind === 'newline') {
        this.next();
        continue;
      }
      out.push(...this.statement());
    }
    if (this.peek().kind === 'dedent') this.next();
    return out;
  }

  private def(): PyStmt {
    const line = this.next().line;
    const name = this.expectName();
    this.expectOp('(');
    const params: string[] = [];
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) this.next();
      params.push(this.expectName());
      if (this.isOp('=')) this.fail('default parameter values are outside the subset this reader understands');
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.next();
    return { kind: 'def', name, params, body: this.suite(), line };
  }

  private classDef(): PyStmt {
    const line = this.next().line;
    const name = this.expectName();
    if (this.isOp('(')) {
      this.next();
      while (!this.isOp(')')) {
        this.orTest();
        if (!this.isOp(')')) this.expectOp(',');
      }
      this.next();
    }
    return { kind: 'class', name, body: this.suite(), line };
  }

  private ifStatement(): PyStmt {
    const line = this.next().line;
    const test = this.expression();
    const body = this.suite();
    let orelse: PyStmt[] = [];
    if (this.isWord('elif')) orelse = [this.ifStatement()];
    else if (this.isWord('else')) {
      this.next();
      orelse = this.suite();
    }
    return { kind: 'if', test, body, orelse, line };
  }

  private forStatement(): PyStmt {
    const line = this.next().line;
    const target = this.expectName();
    this.expectWord('in');
    const iter = this.expression();
    return { kind: 'for', target, iter, body: this.suite(), line };
  }

  expression(): PyExpr {
    const first = this.orTest();
    if (!this.isOp(',') || this.inBrackets > 0) return first;
    // A bare tuple (`a, b`) at statement level.
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      items.push(this.orTest());
    }
    return { kind: 'tuple', items, line: first.line };
  }

  private inBrackets = 0;

  private orTest(): PyExpr {
    const first = this.andTest();
    if (!this.isWord('or')) return first;
    const values = [first];
    while (this.isWord('or')) {
      this.next();
      values.push(this.andTest());
    }
    return { kind: 'bool', op: 'or', values, line: first.line };
  }

  private andTest(): PyExpr {
    const first = this.notTest();
    if (!this.isWord('and')) return first;
    const values = [first];
    while (this.isWord('and')) {
      this.next();
      values.push(this.notTest());
    }
    return { kind: 'bool', op: 'and', values, line: first.line };
  }

  private notTest(): PyExpr {
    if (this.isWord('not')) {
      const line = this.next().line;
      return { kind: 'not', operand: this.notTest(), line };
    }
    return this.comparison();
  }

  private comparison(): PyExpr {
    const left = this.arith();
    const ops: CompareOp[] = [];
    const rights: PyExpr[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && comparisonOps.has(t.text)) {
        this.next();
        ops.push(t.text as CompareOp);
      } else if (t.kind === 'name' && t.text === 'in') {
        this.next();
        ops.push('in');
      } else if (t.kind === 'name' && t.text === 'not' && this.isWord('in', 1)) {
        this.next();
        this.next();
        ops.push('not in');
      } else if (t.kind === 'name' && t.text === 'is') {
        this.fail('"is" comparisons are outside the subset this reader understands');
      } else break;
      rights.push(this.arith());
    }
    return ops.length === 0 ? left : { kind: 'compare', left, ops, rights, line: left.line };
  }

  private arith(): PyExpr {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text;
      left = { kind: 'binop', op, left, right: this.term(), line: left.line };
    }
    return left;
  }

  private term(): PyExpr {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%') || this.isOp('//')) {
      const op = this.next().text;
      left = { kind: 'binop', op, left, right: this.factor(), line: left.line };
    }
    return left;
  }

  private factor(): PyExpr {
    if (this.isOp('-')) {
      const line = this.next().line;
      return { kind: 'neg', operand: this.factor(), line };
    }
    if (this.isOp('+')) this.next();
    return this.power();
  }

  private power(): PyExpr {
    let value = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        value = { kind: 'attr', value, attr: this.expectName(), line: value.line };
      } else if (this.isOp('(')) {
        this.next();
        this.inBrackets++;
        const args: PyExpr[] = [];
        const keywords: [string, PyExpr][] = [];
        while (!this.isOp(')')) {
          if (this.peek().kind === 'name' && this.isOp('=', 1)) {
            const key = this.next().text;
            this.next();
            keywords.push([key, this.orTest()]);
          } else {
            if (this.isOp('*') || this.isOp('**')) this.fail('argument unpacking is outside the subset this reader understands');
            args.push(this.orTest());
          }
          if (!this.isOp(')')) this.expectOp(',');
        }
        this.next();
        this.inBrackets--;
        value = { kind: 'call', func: value, args, keywords, line: value.line };
      } else if (this.isOp('[')) {
        this.next();
        this.inBrackets++;
        const lower = this.isOp(':') ? null : this.orTest();
        if (this.isOp(':')) {
          this.next();
          const upper = this.isOp(']') ? null : this.orTest();
          value = { kind: 'slice', value, lower, upper, line: value.line };
        } else {
          value = { kind: 'index', value, index: lower!, line: value.line };
        }
        this.expectOp(']');
        this.inBrackets--;
      } else return value;
    }
  }

  private atom(): PyExpr {
    const t = this.next();
    switch (t.kind) {
      case 'name':
        if (t.text === 'True' || t.text === 'False') return { kind: 'const', value: t.text === 'True', line: t.line };
        if (t.text === 'None') return { kind: 'const', value: null, line: t.line };
        return { kind: 'name', id: t.text, line: t.line };
      case 'num': {
        const value = Number(t.text.replaceAll('_', ''));
        if (!Number.isFinite(value)) this.fail(`cannot read the number ${t.text}`, t);
        return { kind: 'num', value, line: t.line };
      }
      case 'str': {
        let value = t.text;
        while (this.peek().kind === 'str') value += this.next().text; // adjacent literals concatenate
        return { kind: 'str', value, line: t.line };
      }
      case 'op':
        if (t.text === '(') return this.bracketed(')', t.line);
        if (t.text === '[') return this.bracketed(']', t.line);
        if (t.text === '{') return this.braces(t.line);
    }
    this.fail(`unexpected ${describe(t)}`, t);
  }

  /** `( … )` or `[ … ]`: a parenthesised expression, a tuple, a list or a list comprehension. */
  private bracketed(close: string, line: number): PyExpr {
    this.inBrackets++;
    const items: PyExpr[] = [];
    let trailingComma = false;
    while (!this.isOp(close)) {
      items.push(this.orTest());
      if (items.length === 1 && this.isWord('for')) {
        this.next();
        const target = this.expectName();
        this.expectWord('in');
        const iter = this.orTest();
        let cond: PyExpr | null = null;
        if (this.isWord('if')) {
          this.next();
          cond = this.orTest();
        }
        this.expectOp(close);
        this.inBrackets--;
        if (close !== ']') this.fail('generator expressions are outside the subset this reader understands');
        return { kind: 'listcomp', elt: items[0]!, target, iter, cond, line };
      }
      trailingComma = false;
      if (!this.isOp(close)) {
        this.expectOp(',');
        trailingComma = true;
      }
    }
    this.next();
    this.inBrackets--;
    if (close === ']') return { kind: 'list', items, line };
    if (items.length === 1 && !trailingComma) return items[0]!;
    return { kind: 'tuple', items, line };
  }

  private braces(line: number): PyExpr {
    this.inBrackets++;
    if (this.isOp('}')) {
      this.next();
      this.inBrackets--;
      return { kind: 'dict', entries: [], line };
    }
    const first = this.orTest();
    if (this.isOp(':')) {
      const entries: [PyExpr, PyExpr][] = [];
      let key = first;
      for (;;) {
        this.expectOp(':');
        entries.push([key, this.orTest()]);
        if (this.isOp(',')) this.next();
        if (this.isOp('}')) break;
        key = this.orTest();
      }
      this.next();
      this.inBrackets--;
      return { kind: 'dict', entries, line };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp('}')) break;
      items.push(this.orTest());
    }
    this.expectOp('}');
    this.inBrackets--;
    return { kind: 'set', items, line };
  }
}

function describe(t: Token): string {
  if (t.kind === 'newline') return 'the end of the line';
  if (t.kind === 'eof') return 'the end of the file';
  if (t.kind === 'indent' || t.kind === 'dedent') return 'a change of indentation';
  return `"${t.text}"`;
}

/** The string items of a list/set/tuple literal, or null when it holds anything else. */
export function stringItems(e: PyExpr): string[] | null {
  if (e.kind !== 'list' && e.kind !== 'set' && e.kind !== 'tuple') return null;
  const out: string[] = [];
  for (const item of e.items) {
    if (item.kind !== 'str') return null;
    out.push(item.value);
  }
  return out;
}

/** Python-like source text of an expression, for traces and error messages. */
export function exprText(e: PyExpr): string {
  switch (e.kind) {
    case 'name':
      return e.id;
    case 'num':
      return String(e.value);
    case 'str':
      return JSON.stringify(e.value);
    case 'const':
      return e.value === null ? 'None' : e.value ? 'True' : 'False';
    case 'list':
    case 'set':
    case 'tuple': {
      const shown = e.items.length > 6 ? [...e.items.slice(0, 5).map(exprText), `… ${e.items.length} items`] : e.items.map(exprText);
      const [open, close] = e.kind === 'list' ? ['[', ']'] : e.kind === 'set' ? ['{', '}'] : ['(', ')'];
      return `${open}${shown.join(',')}${close}`;
    }
    case 'dict':
      return `{${e.entries.length} entries}`;
    case 'listcomp':
      return `[${exprText(e.elt)} for ${e.target} in ${exprText(e.iter)}${e.cond ? ` if ${exprText(e.cond)}` : ''}]`;
    case 'bool':
      return e.values.map((v) => (v.kind === 'bool' ? `(${exprText(v)})` : exprText(v))).join(` ${e.op} `);
    case 'not':
      return `not ${exprText(e.operand)}`;
    case 'neg':
      return `-${exprText(e.operand)}`;
    case 'compare':
      return exprText(e.left) + e.ops.map((op, i) => `${op === 'in' || op === 'not in' ? ` ${op} ` : op}${exprText(e.rights[i]!)}`).join('');
    case 'binop':
      return `${exprText(e.left)}${e.op}${exprText(e.right)}`;
    case 'call':
      return `${exprText(e.func)}(${[...e.args.map(exprText), ...e.keywords.map(([k, v]) => `${k}=${exprText(v)}`)].join(',')})`;
    case 'attr':
      return `${exprText(e.value)}.${e.attr}`;
    case 'index':
      return `${exprText(e.value)}[${exprText(e.index)}]`;
    case 'slice':
      return `${exprText(e.value)}[${e.lower ? exprText(e.lower) : ''}:${e.upper ? exprText(e.upper) : ''}]`;
  }
}
