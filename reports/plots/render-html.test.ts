import { describe, expect, it } from 'vitest';
import type { PlotSet } from './plot.js';
import { renderHtml } from './render-html.js';
import { scopeSvgIds } from './scope-svg-ids.js';

const HEAD = { name: 'HEAD', commit: '0123456789abcdef0123456789abcdef01234567' };
const WS = { name: 'workspace' };

const set: PlotSet = {
  root: '/r',
  revisions: [HEAD, WS],
  warnings: [],
  images: [],
  plots: [
    {
      id: 'cm',
      path: 'plots/cm.json',
      title: 'Confusion <at> 0.5',
      template: 'confusion',
      x: 'actual',
      y: ['predicted'],
      xLabel: 'actual',
      yLabel: 'predicted',
      props: {},
      revisions: [
        { revision: HEAD, state: 'missing', reason: 'the file does not exist there' },
        { revision: WS, state: 'found', rows: [{ actual: 1, predicted: 1 }] },
      ],
    },
  ],
};

describe('renderHtml', () => {
  it('inlines each SVG with its ids scoped, notes missing revisions, names the revisions with their colours, loads nothing', () => {
    const svg = '<svg><defs><linearGradient id="gradient_0"/></defs><rect fill="url(#gradient_0)"/></svg>';
    const html = renderHtml(set, [{ id: 'cm', svg, svgFile: 'cm.svg', pngFile: 'cm.png' }]);
    expect(html).toContain('<figure><svg><defs><linearGradient id="cm-gradient_0"/></defs><rect fill="url(#cm-gradient_0)"/></svg></figure>');
    expect(html).toContain('<h2>Confusion &lt;at&gt; 0.5</h2>');
    expect(html).toContain('<p class="missing">Missing at <strong>HEAD</strong>: the file does not exist there.</p>');
    expect(html).toContain('<span class="swatch" style="background:#4c78a8"></span><strong>HEAD</strong> <code>0123456789ab</code>');
    expect(html).toContain('<span class="swatch" style="background:#f58518"></span><strong>workspace</strong> <code>working tree</code>');
    expect(html).toContain('<a href="cm.svg">SVG</a> · <a href="cm.png">PNG</a>');
    expect(html).toContain('<meta name="generator" content="pipe plots">');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|\bsrc=|https?:/);
  });
});

describe('scopeSvgIds', () => {
  it('prefixes ids and the references to them, and nothing else', () => {
    expect(scopeSvgIds('<g id="clip1" class="id"><use href="#clip1" clip-path="url(#clip1)"/></g>', 'p')).toBe(
      '<g id="p-clip1" class="id"><use href="#p-clip1" clip-path="url(#p-clip1)"/></g>',
    );
  });
});
