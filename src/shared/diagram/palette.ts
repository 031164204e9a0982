/**
 * The diagrams' colours. A palette gives every role a colour; the page style sheet (`diagramCss`)
 * maps VS Code's theme (light, dark, high contrast, high contrast light) to a palette, taking the
 * canvas and text colours from VS Code's own variables, and an exported file carries its palette
 * inline (`paletteCss`). Every text colour reaches 4.5:1 against what it is drawn on (tested).
 */

/** Fill, border and text of one kind of element. */
export interface Swatch {
  fill: string;
  stroke: string;
  text: string;
}

export interface Palette {
  background: string;
  text: string;
  muted: string;
  edge: string;
  boundary: string;
  person: Swatch;
  system: Swatch;
  container: Swatch;
  component: Swatch;
  /** Deployment infrastructure: load balancers, gateways, queue services, collectors. */
  infrastructure: Swatch;
  external: Swatch;
  /** Extra emphasis for the selected element. */
  selection: string;
  /** Width of element borders (thicker in high contrast). */
  strokeWidth: number;
}

/** The classic C4 blues, darkened where white text would fall below 4.5:1. */
export const LIGHT: Palette = {
  background: '#ffffff',
  text: '#1f1f1f',
  muted: '#4a4a4a',
  edge: '#595959',
  boundary: '#5c5c5c',
  person: { fill: '#08427b', stroke: '#052e56', text: '#ffffff' },
  system: { fill: '#1168bd', stroke: '#0b4884', text: '#ffffff' },
  container: { fill: '#2a6aad', stroke: '#1a4f87', text: '#ffffff' },
  component: { fill: '#dcebfa', stroke: '#5b8fc7', text: '#0f2a44' },
  infrastructure: { fill: '#f4efe3', stroke: '#8a7444', text: '#2b2416' },
  external: { fill: '#6b6b6b', stroke: '#4d4d4d', text: '#ffffff' },
  selection: '#e0761a',
  strokeWidth: 1.5,
};

export const DARK: Palette = {
  background: '#1f1f1f',
  text: '#e6e6e6',
  muted: '#c2c2c2',
  edge: '#a8a8a8',
  boundary: '#a0a0a0',
  person: { fill: '#0d4a86', stroke: '#5f9ad6', text: '#ffffff' },
  system: { fill: '#1560aa', stroke: '#6aa6e3', text: '#ffffff' },
  container: { fill: '#24578c', stroke: '#6e9fd1', text: '#ffffff' },
  component: { fill: '#1e3a57', stroke: '#6e9fd1', text: '#e8f1fb' },
  infrastructure: { fill: '#3a3326', stroke: '#b9a57a', text: '#f4eddc' },
  external: { fill: '#4f4f4f', stroke: '#8c8c8c', text: '#ffffff' },
  selection: '#f0a04b',
  strokeWidth: 1.5,
};

/** High contrast: no fills, text in the foreground colour, kinds told apart by their borders. */
export const HIGH_CONTRAST: Palette = {
  background: '#000000',
  text: '#ffffff',
  muted: '#ffffff',
  edge: '#ffffff',
  boundary: '#ffffff',
  person: { fill: '#000000', stroke: '#6fc3df', text: '#ffffff' },
  system: { fill: '#000000', stroke: '#6fc3df', text: '#ffffff' },
  container: { fill: '#000000', stroke: '#6fc3df', text: '#ffffff' },
  component: { fill: '#000000', stroke: '#6fc3df', text: '#ffffff' },
  infrastructure: { fill: '#000000', stroke: '#f38518', text: '#ffffff' },
  external: { fill: '#000000', stroke: '#ffffff', text: '#ffffff' },
  selection: '#f38518',
  strokeWidth: 2.5,
};

export const HIGH_CONTRAST_LIGHT: Palette = {
  background: '#ffffff',
  text: '#000000',
  muted: '#000000',
  edge: '#000000',
  boundary: '#000000',
  person: { fill: '#ffffff', stroke: '#0f4a85', text: '#000000' },
  system: { fill: '#ffffff', stroke: '#0f4a85', text: '#000000' },
  container: { fill: '#ffffff', stroke: '#0f4a85', text: '#000000' },
  component: { fill: '#ffffff', stroke: '#0f4a85', text: '#000000' },
  infrastructure: { fill: '#ffffff', stroke: '#8f4a00', text: '#000000' },
  external: { fill: '#ffffff', stroke: '#000000', text: '#000000' },
  selection: '#b5200d',
  strokeWidth: 2.5,
};

const KINDS = ['person', 'system', 'container', 'component', 'infrastructure'] as const;

/** CSS custom properties for a palette; `vars` replaces some with VS Code variables (page only). */
function properties(p: Palette, vars: Partial<Record<'background' | 'text' | 'border', string>> = {}): string {
  const v = (name: string, value: string): string => `--af-${name}: ${value};`;
  const out = [
    v('bg', vars.background ? `var(${vars.background}, ${p.background})` : p.background),
    v('text', vars.text ? `var(${vars.text}, ${p.text})` : p.text),
    v('muted', vars.text && p.muted === p.text ? `var(${vars.text}, ${p.muted})` : p.muted),
    v('edge', vars.text && p.edge === p.text ? `var(${vars.text}, ${p.edge})` : p.edge),
    v('boundary', vars.text && p.boundary === p.text ? `var(${vars.text}, ${p.boundary})` : p.boundary),
    v('selection', p.selection),
    v('stroke-width', String(p.strokeWidth)),
  ];
  for (const k of [...KINDS, 'external'] as const) {
    const s = p[k];
    const hc = p.person.fill === p.background;
    out.push(
      v(`${k}-fill`, hc && vars.background ? `var(${vars.background}, ${s.fill})` : s.fill),
      v(`${k}-stroke`, hc && vars.border && k !== 'external' ? `var(${vars.border}, ${s.stroke})` : s.stroke),
      v(`${k}-text`, hc && vars.text ? `var(${vars.text}, ${s.text})` : s.text),
    );
  }
  return out.join(' ');
}

/** The rules that draw a diagram from the custom properties (shared by the page and exports). */
const RULES = `
.af-diagram { background: var(--af-bg); }
.af-diagram .af-bg { fill: var(--af-bg); }
.af-diagram text { fill: var(--af-text); }
.af-diagram .af-title { fill: var(--af-text); }
.af-diagram .af-shape { stroke-width: var(--af-stroke-width); }
${KINDS.map(
  (k) => `.af-diagram .af-${k} .af-shape { fill: var(--af-${k}-fill); stroke: var(--af-${k}-stroke); }
.af-diagram .af-${k} text { fill: var(--af-${k}-text); }`,
).join('\n')}
.af-diagram .af-external .af-shape { fill: var(--af-external-fill); stroke: var(--af-external-stroke); }
.af-diagram .af-external text { fill: var(--af-external-text); }
.af-diagram .af-boundary-shape { fill: none; stroke: var(--af-boundary); stroke-width: 1.5; stroke-dasharray: 7 5; }
.af-diagram .af-proposed .af-shape { stroke-dasharray: 6 3; stroke-width: 2.5; }
.af-diagram .af-legend-item.af-proposed .af-shape { fill: none; stroke: var(--af-text); }
.af-diagram .af-boundary-node .af-boundary-shape { stroke-dasharray: none; }
.af-diagram .af-boundary-environment .af-boundary-shape { stroke-dasharray: 2 4; stroke-width: 2; }
.af-diagram .af-boundary text { fill: var(--af-text); paint-order: stroke; stroke: var(--af-bg); stroke-width: 5px; stroke-linejoin: round; }
.af-diagram .af-boundary .af-boundary-meta { fill: var(--af-muted); }
.af-diagram .af-edge-line { fill: none; stroke: var(--af-edge); stroke-width: 1.5; }
.af-diagram .af-arrowhead { fill: var(--af-edge); }
.af-diagram .af-label-bg { fill: var(--af-bg); }
.af-diagram .af-edge-label text { fill: var(--af-text); }
.af-diagram .af-edge-label .af-technology { fill: var(--af-muted); }
.af-diagram .af-selected .af-shape { stroke: var(--af-selection); stroke-width: 4; }
.af-diagram .af-legend-frame { fill: none; stroke: var(--af-boundary); stroke-width: 1; }
`;

/** A self-contained style sheet for an exported diagram drawn in `palette`. */
export function paletteCss(palette: Palette = LIGHT): string {
  return `.af-diagram { ${properties(palette)} }${RULES}`;
}

/**
 * The style sheet for diagrams in a VS Code webview (the preview panel, the Markdown preview): the
 * palette follows the theme class VS Code puts on <body>; canvas, text and high-contrast borders come
 * from VS Code's colour variables.
 */
export function diagramCss(): string {
  const vars = { background: '--vscode-editor-background', text: '--vscode-editor-foreground' };
  const hc = { ...vars, border: '--vscode-contrastBorder' };
  return [
    `.af-diagram { ${properties(LIGHT, vars)} }`,
    `body.vscode-dark .af-diagram { ${properties(DARK, vars)} }`,
    `body.vscode-high-contrast .af-diagram { ${properties(HIGH_CONTRAST, hc)} }`,
    `body.vscode-high-contrast-light .af-diagram { ${properties(HIGH_CONTRAST_LIGHT, hc)} }`,
    RULES,
  ].join('\n');
}
