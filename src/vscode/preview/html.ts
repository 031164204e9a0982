/**
 * The preview panel's HTML, set once per webview; all content arrives later by message. Pure string
 * code (no `vscode`, no Node) so the browser test loads exactly the page the extension shows.
 */

/** What the page needs from its host. */
export interface PreviewHtmlOptions {
  /** A fresh random value per page (base64 or hex); the only way a script may run. */
  nonce: string;
  /** `webview.cspSource`: the origin of the extension's own files. */
  cspSource: string;
  /** `webview.asWebviewUri(dist/webview.js)`. */
  scriptUri: string;
  /** `webview.asWebviewUri(media/preview.css)`. */
  styleUri: string;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The Content-Security-Policy: nothing by default; scripts only by nonce; styles from our files and
 * inline (Mermaid's SVG carries a <style>, the toolkit adopts style sheets); images and fonts only
 * from our files or data: URIs. No remote source of any kind, no eval.
 */
export function previewCsp(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource} data:`,
  ].join('; ');
}

/** The page: an empty shell, our style sheet, and our one script (by nonce), which builds the UI. */
export function buildPreviewHtml(options: PreviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(options.nonce))
    throw new Error('The preview nonce must be 16+ base64 or hex characters.');
  if (/[;\r\n"]/.test(options.cspSource)) throw new Error('Unexpected characters in the webview CSP source.');
  const nonce = escapeAttr(options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(previewCsp(options.nonce, options.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(options.styleUri)}">
<title>Archflow Preview</title>
</head>
<body>
<div id="app" class="app" aria-busy="true">
  <p class="loading">Loading the design…</p>
</div>
<script nonce="${nonce}" src="${escapeAttr(options.scriptUri)}"></script>
</body>
</html>
`;
}
