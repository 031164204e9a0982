/**
 * Markdown rendering for model-written documents: markdown-it with raw HTML off and no linkify.
 * Relative links to files of the output folder become in-panel links that ask the host to open the
 * file; every other link is shown as inert text. Only inline data: images render; any other image
 * (remote, file, relative) is replaced by its alt text, so no request can leave the panel.
 * ```mermaid blocks become placeholders the caller renders with the panel's Mermaid setup.
 */
import markdownIt, { type Env, type MarkdownIt, type StateCore, type Token } from 'markdown-it';
import { resolveDocumentLink } from '../shared/paths';

/** What a render produced besides HTML. */
export interface MarkdownEnv extends Env {
  /** The document's path relative to the output folder (relative links resolve against it). */
  file: string;
  /** Sources of the ```mermaid blocks, by placeholder index. */
  mermaid: string[];
}

/** Base64 raster images only: SVG images are refused even inline. */
const SAFE_IMAGE = /^data:image\/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]+$/i;

function rewriteLinksAndImages(state: StateCore): void {
  const env = state.env as MarkdownEnv;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    let closeAsSpan = false;
    for (const token of block.children) {
      if (token.type === 'link_open') {
        const href = String(token.attrGet('href') ?? '');
        const target = resolveDocumentLink(env.file, href);
        if (target !== undefined) {
          token.attrs = [
            ['href', '#'],
            ['class', 'doc-link'],
            ['data-file', target],
            ['title', `Open ${target}`],
          ];
          closeAsSpan = false;
        } else {
          token.tag = 'span';
          token.attrs = [
            ['class', 'link-inert'],
            ['title', href.startsWith('#') ? 'Link within the document' : `Link not opened from the preview: ${href}`],
          ];
          closeAsSpan = true;
        }
      } else if (token.type === 'link_close') {
        if (closeAsSpan) token.tag = 'span';
        closeAsSpan = false;
      } else if (token.type === 'image') {
        const src = String(token.attrGet('src') ?? '');
        if (!SAFE_IMAGE.test(src)) {
          token.type = 'blocked_image';
          token.attrs = [['title', `Image not loaded: ${src.slice(0, 200)}`]];
        }
      }
    }
  }
}

/** A markdown-it instance with Archflow's safety rules. */
export function createMarkdown(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: false, typographer: false, breaks: false });
  md.core.ruler.push('archflow_links_images', rewriteLinksAndImages);
  const esc = md.utils.escapeHtml;
  md.renderer.rules.blocked_image = (tokens: Token[], idx: number): string => {
    const t = tokens[idx];
    const alt = t.children ? t.children.map((c) => c.content).join('') : t.content;
    return `<span class="image-blocked" title="${esc(String(t.attrGet('title') ?? ''))}">[image${alt ? `: ${esc(alt)}` : ''}]</span>`;
  };
  const defaultFence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const t = tokens[idx];
    const sources = (env as MarkdownEnv | undefined)?.mermaid;
    if (sources && /^mermaid\b/i.test(t.info.trim())) {
      const index = sources.push(t.content) - 1;
      return `<div class="md-mermaid" data-mermaid-index="${index}"><pre><code>${esc(t.content)}</code></pre></div>\n`;
    }
    return defaultFence ? defaultFence(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
  return md;
}

/** Renders a document; `env.mermaid` receives its diagram sources. */
export function renderMarkdown(md: MarkdownIt, file: string, text: string): { html: string; mermaid: string[] } {
  const env: MarkdownEnv = { file, mermaid: [] };
  const html = md.render(text, env);
  return { html, mermaid: env.mermaid };
}
