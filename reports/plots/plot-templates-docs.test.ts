/** @module docs/commands.md tells the truth about plot templates: the same list as the schema and the renderer, and what an unknown one does. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './plot.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('plot templates in the docs', () => {
  const docs = read('docs/commands.md');
  const schema = JSON.parse(read('runner/pipeline/pipeline.schema.json')) as unknown;

  it('lists exactly the templates the schema accepts and the renderer draws', () => {
    const enums: string[][] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) {
        const o = v as Record<string, unknown>;
        const t = o.template as { enum?: string[] } | undefined;
        if (t?.enum) enums.push(t.enum);
        Object.values(o).forEach(walk);
      }
    };
    walk(schema);
    // pipe's templates, then DVC's names that pipe draws with one of them (docs/formats.md#templating),
    // in stage plots and top-level plots alike.
    const accepted = [...TEMPLATES, 'simple', 'bar_horizontal', 'bar_horizontal_sorted'];
    expect(enums).toEqual([accepted, accepted]);
    const row = docs.split('\n').find((l) => l.startsWith('| `template` |')) ?? '';
    expect([...(row.split('|')[2] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1])).toEqual([...TEMPLATES]);
  });

  it('says that pipeline.yaml rejects an unknown template, and where one is drawn as linear instead', () => {
    const paragraph = docs.slice(docs.indexOf('With several `y` fields'), docs.indexOf('**Data files.**')).replace(/\s+/g, ' ');
    expect(paragraph).toContain('An unknown template in the workspace\'s pipeline.yaml is an error');
    expect(paragraph).toContain("read each revision's pipeline file leniently");
  });
});
