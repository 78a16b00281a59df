/**
 * @module Words the first YAML syntax error of a file plainly, at the place to fix: the parser's
 * own messages ("Implicit keys need to be on a single line") name its grammar, not the mistake,
 * and each first mistake brings follow-on errors that only repeat it. Messages never quote the
 * file's text, so they are safe for config.local.yaml too.
 */
import { isCollection, isMap, isNode, isPair, isScalar, isSeq, type Document, type YAMLError } from 'yaml';

export interface PlainSyntaxError {
  readonly offset: number;
  readonly message: string;
}

/**
 * The first of `errors` (or an unclosed bracket or quote, the usual cause of the others) as a
 * plain hint; `secret` files never get the parser's own words, which quote the text.
 */
export function plainSyntaxError(doc: Document, text: string, errors: readonly YAMLError[], secret: boolean): PlainSyntaxError {
  const error = errors.find((e) => UNCLOSED.test(e.message)) ?? (errors[0] as YAMLError);
  const offset = error.pos[0];
  const at = (message: string, where = offset) => ({ offset: where, message: `YAML syntax error: ${message}` });
  const closer = /end with an? ([\]}])/.exec(error.message)?.[1];
  if (closer) {
    const opener = closer === ']' ? '[' : '{';
    return at(`the '${opener}' opened here is never closed with '${closer}'`, openingOf(doc, offset, (n) => isCollection(n) && n.flow === true && text[n.range?.[0] ?? -1] === opener));
  }
  const quote = /closing (["'])quote/.exec(error.message)?.[1];
  if (quote) {
    return at(`the quote (${quote}) opened here is never closed`, openingOf(doc, offset, (n) => isScalar(n) && n.type === (quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE')));
  }
  const colon = missingSpaceAfterColon(text, offset);
  if (colon !== undefined && ['MULTILINE_IMPLICIT_KEY', 'MISSING_CHAR', 'UNEXPECTED_TOKEN', 'BLOCK_AS_IMPLICIT_KEY'].includes(error.code)) {
    return at("a space is missing after ':' (write 'key: value')", colon);
  }
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && /^\s*- /.test(lineAt(text, offset).text)) return at(`a list item ('- ') is indented differently from the items above it`);
  const hint = HINTS[error.code] ?? (error.code === 'MULTILINE_IMPLICIT_KEY' || error.code === 'MISSING_CHAR' ? keyHint(text, offset) : undefined);
  if (hint) return at(hint);
  return at(secret ? error.code.toLowerCase().replace(/_/g, ' ') : firstLine(error.message));
}

const UNCLOSED = /end with an? [\]}]|closing ["']quote/;

const INDENT_HINT = 'check the indentation (the entries of one mapping or list start at the same column)';

const HINTS: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'a tab indents this line; YAML indents with spaces only',
  BAD_INDENT: 'this line is indented differently from the entries above it (the entries of one mapping or list start at the same column)',
  BLOCK_AS_IMPLICIT_KEY: "a value holds ': ', or the next line is indented too far: put the value in quotes, or line the keys up",
  UNEXPECTED_TOKEN: `unexpected content here; ${INDENT_HINT}`,
  BAD_SCALAR_START: 'a value cannot start with @ or ` unless it is in quotes',
  BAD_DQ_ESCAPE: 'an unknown backslash escape in a "double-quoted" value: use single quotes, or write \\\\ for a backslash',
  MULTIPLE_DOCS: "a second YAML document ('---') starts here; the file must hold only one",
  TAG_RESOLVE_FAILED: "a value starting with '!' is read as a YAML tag: put the value in quotes",
  BAD_ALIAS: "a value starting with '*' is read as a YAML alias: put the value in quotes",
  ALIAS_PROPS: "a value starting with '*' is read as a YAML alias: put the value in quotes",
  MULTIPLE_ANCHORS: "a value starting with '&' is read as a YAML anchor: put the value in quotes",
  MULTIPLE_TAGS: "a value starting with '!' is read as a YAML tag: put the value in quotes",
  BAD_PROP_ORDER: "a value starting with '&' or '!' is read as a YAML anchor or tag: put the value in quotes",
  BLOCK_IN_FLOW: "an indented block inside [ ] or { }: write the entries on one line, separated by ', '",
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  NON_STRING_KEY: 'a key must be plain text, not a list or a mapping',
  BAD_COLLECTION_TYPE: 'a key must be plain text, not a list or a mapping',
};

/** A line where a `key: value` entry was expected and something else is. */
function keyHint(text: string, offset: number): string {
  if (/^\s*- /.test(lineAt(text, offset).text)) return `a list item ('- ') where a 'key: value' entry is expected; ${INDENT_HINT}`;
  return `a 'key: value' entry is broken here (a missing ':', or a line indented differently from the lines above); ${INDENT_HINT}`;
}

/** The start of the innermost node matching `match` that contains `offset`: where an unclosed quote or bracket was opened. Walks without recursion (deep nesting). */
function openingOf(doc: Document, offset: number, match: (node: unknown) => boolean): number {
  let best: number | undefined;
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    const range = isNode(node) ? node.range : undefined;
    if (range && match(node) && range[0] < offset && offset <= range[2] && (best === undefined || range[0] > best)) best = range[0];
    if (isMap(node)) for (const p of node.items) stack.push(p.key, p.value);
    else if (isSeq(node)) for (const item of node.items) stack.push(isPair(item) ? item.value : item);
  }
  return best ?? offset;
}

/** The offset just after a `:` with no space after it on the line at `offset` (`cmd:echo`), when that line has no `key: value` at all. */
function missingSpaceAfterColon(text: string, offset: number): number | undefined {
  const { start, text: line } = lineAt(text, offset);
  const body = line.replace(/^\s*(?:- +)?/, '');
  if (/^['"#[{]/.test(body) || /:(\s|$)/.test(body)) return undefined;
  const m = /^[^\s:]+:(?=\S)/.exec(body);
  return m ? start + (line.length - body.length) + m[0].length - 1 : undefined;
}

function lineAt(text: string, offset: number): { start: number; text: string } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return { start, text: text.slice(start, end === -1 ? undefined : end) };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
