/**
 * C4 in VS Code's own Markdown preview: a markdown-it plugin (returned from `activate` as
 * `extendMarkdownIt`) turns each ```mermaid block that is a C4 view into a placeholder carrying the
 * view as data; the preview script (dist/markdownPreview.js, src/webview/markdownPreview.ts) lays it
 * out and draws it with the same renderer and theme colours as the Archflow panel, offline. The block's
 * text stays inside as a fallback. Other ```mermaid blocks are left to whoever renders them.
 */
import type { MarkdownIt } from 'markdown-it';
import { parseMermaidC4 } from '../core/c4/mermaidParse';

/** Adds the C4 rule to VS Code's markdown-it instance and returns it. */
export function extendMarkdownIt(md: MarkdownIt): MarkdownIt {
  const fallback = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const view = /^mermaid\b/i.test(token.info.trim()) ? parseMermaidC4(token.content) : undefined;
    if (!view) return fallback ? fallback(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    const esc = md.utils.escapeHtml;
    const data = esc(JSON.stringify(view));
    const line = token.map ? ` data-line="${token.map[0]}"` : '';
    return (
      `<div class="archflow-c4 code-line"${line} data-archflow-view="${data}" role="figure" aria-label="${esc(view.title)}">` +
      `<pre class="archflow-c4-source"><code>${esc(token.content)}</code></pre></div>\n`
    );
  };
  return md;
}
