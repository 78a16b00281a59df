/** @module Parses the text of a JSON or YAML file into its value, or says where it breaks. */

export type StructuredFile =
  | { readonly state: 'found'; readonly value: unknown }
  | { readonly state: 'absent' }
  | { readonly state: 'invalid'; readonly message: string; readonly line?: number; readonly column?: number; readonly problem?: string };

/** JSON for `.json` files (fast), YAML otherwise and for JSON that does not parse (YAML says where it breaks). */
export async function parseStructured(path: string, text: string): Promise<StructuredFile> {
  if (path.toLowerCase().endsWith('.json')) {
    try {
      const value = JSON.parse(text) as unknown;
      const { valueShapeProblem } = await import('./value-shape.js');
      const problem = valueShapeProblem(value);
      return problem ? { state: 'invalid', message: problem } : { state: 'found', value };
    } catch {
      // fall through: the YAML parser reads most JSON and locates what it cannot
    }
  }
  const { parseYamlSource } = await import('./yaml-source.js');
  const source = parseYamlSource(path, text);
  const first = source.syntaxIssues[0];
  if (first && source.value === undefined) {
    const [line, column] = [first.line ?? 1, first.column ?? 1];
    return { state: 'invalid', message: `line ${line}, column ${column}: ${first.message}`, line, column, problem: first.message };
  }
  return { state: 'found', value: source.value };
}
