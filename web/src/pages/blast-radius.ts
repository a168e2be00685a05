import type { UsageReference } from '../../../src/store/queries/image-usage.ts';
/**
 * The image's blast radius as an SVG tree: the image on the left, one column per kind of
 * reference (instances, launch-template versions, launch configurations, ASGs, SSM parameters,
 * other accounts), each node coloured by whether it counts as use.
 */
type Ref = Pick<UsageReference, 'kind' | 'ref_id' | 'account_id' | 'region' | 'state' | 'in_use'>;

const NS = 'http://www.w3.org/2000/svg';
const svg = (tag: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
};

export function blastRadius(imageId: string, refs: Ref[]): SVGElement {
  const kinds = [...new Set(refs.map((r) => r.kind))];
  const rowH = 26;
  const rows = Math.max(1, refs.length + kinds.length);
  const height = rows * rowH + 20;
  const root = svg('svg', {
    width: 760,
    height,
    viewBox: `0 0 760 ${height}`,
    role: 'img',
    'aria-label': `blast radius of ${imageId}`,
    id: 'blast-radius',
  });
  const rootY = height / 2;
  root.append(svg('rect', { x: 4, y: rootY - 14, width: 190, height: 28, rx: 6, class: 'node image' }));
  root.append(svg('text', { x: 14, y: rootY + 5, class: 'label' }, imageId));
  let y = 14;
  for (const kind of kinds) {
    root.append(svg('text', { x: 260, y: y + 12, class: 'kind' }, kind));
    y += rowH;
    for (const r of refs.filter((x) => x.kind === kind)) {
      const cy = y + 9;
      root.append(
        svg('path', {
          d: `M194 ${rootY} C 240 ${rootY}, 240 ${cy}, 290 ${cy}`,
          class: r.in_use ? 'edge use' : 'edge',
        }),
      );
      root.append(
        svg('rect', {
          x: 290,
          y: y - 4,
          width: 460,
          height: 22,
          rx: 5,
          class: r.in_use ? 'node use' : 'node',
        }),
      );
      root.append(
        svg(
          'text',
          { x: 298, y: y + 12, class: 'label' },
          `${r.ref_id} · ${r.state} · ${r.account_id} ${r.region}`,
        ),
      );
      y += rowH;
    }
  }
  if (!refs.length)
    root.append(svg('text', { x: 260, y: rootY + 5, class: 'kind' }, 'nothing references this image'));
  return root;
}
