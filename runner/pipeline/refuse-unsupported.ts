/** @module DVC constructs pipe reads but cannot honour: each is an issue at its key, never silently dropped. */
import type { SpecIssue } from '../errors.js';
import { formatKeyPath, type KeyPath, type YamlSource } from '../yaml/key-path.js';

const OUT_FIELDS = ['outs', 'metrics', 'plots'] as const;

export function refuseUnsupported(source: YamlSource, raw: Record<string, unknown>, issues: SpecIssue[]): void {
  // At the key itself (`push:`), not at its value.
  const at = (path: KeyPath, message: string) =>
    issues.push({ file: source.file, ...source.locate(path.slice(0, -1), String(path[path.length - 1])), key: formatKeyPath(path), message });
  if (raw.datasets !== undefined) at(['datasets'], "'datasets:' (DVC's dataset references) is not supported by pipe; track the data with 'pipe add' or a stage instead");
  const stages = isRecord(raw.stages) ? raw.stages : {};
  for (const [name, stage] of Object.entries(stages)) {
    if (!isRecord(stage)) continue;
    for (const field of OUT_FIELDS) {
      const list = Array.isArray(stage[field]) ? (stage[field] as unknown[]) : [];
      list.forEach((entry, i) => {
        const [path, flags] = isRecord(entry) ? (Object.entries(entry)[0] ?? []) : [];
        if (typeof path !== 'string' || !isRecord(flags)) return;
        const here = ['stages', name, field, i, path];
        if (flags.remote !== undefined) at([...here, 'remote'], `'remote:' on an out is not supported: pipe pushes every out to the one remote chosen by 'pipe push -r'; remove it`);
        if (flags.checkpoint !== undefined) at([...here, 'checkpoint'], `'checkpoint:' outs were removed in DVC 3 and pipe does not support them; remove it`);
      });
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
