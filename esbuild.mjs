// Bundles: the extension host (dist/extension.js, its entry, and dist/extension-host.js), the CLI (dist/cli.js) and, once it exists,
// the webview (dist/webview.js). Type checking is `tsc --noEmit` (npm run compile).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'info',
  legalComments: 'none',
};

/**
 * The Anthropic SDK is a bundle of its own (dist/anthropic-sdk.js), required by the extension and
 * the CLI on the first model call (src/core/llm/anthropicClient.ts), so activation does not load it.
 */
const sdkApart = {
  name: 'anthropic-sdk-apart',
  setup(build) {
    build.onResolve({ filter: /^@anthropic-ai\/sdk$/ }, () => ({ path: './anthropic-sdk.js', external: true }));
  },
};

/**
 * The extension's entry (dist/extension.js) is small: it registers the contributions and requires
 * the workflow host (src/vscode/host.ts, dist/extension-host.js) on their first use (ADR 0018).
 */
const hostApart = {
  name: 'extension-host-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/host$/, namespace: 'file' }, (args) =>
      args.importer.endsWith('extension.ts') ? { path: './extension-host.js', external: true } : undefined,
    );
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['node_modules/@anthropic-ai/sdk/index.js'],
    outfile: 'dist/anthropic-sdk.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // When the bundle starts and ends running: activate() reports the load and itself (src/vscode/extension.ts).
    banner: { js: 'var __archflowLoadStarted = performance.now(), __archflowLoadEnded;' },
    footer: { js: '__archflowLoadEnded = performance.now();' },
    plugins: [sdkApart, hostApart],
  },
  {
    ...common,
    entryPoints: ['src/vscode/host.ts'],
    outfile: 'dist/extension-host.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [sdkApart],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [sdkApart],
  },
];
/**
 * The webview scripts: the panel (dist/webview.js), the parts it loads when first needed (the
 * diagram renderer with ELK, Mermaid), and the script for VS Code's Markdown preview.
 */
const WEBVIEW_ENTRIES = {
  'dist/webview.js': 'src/webview/main.ts',
  'dist/webview-diagrams.js': 'src/webview/chunks/diagrams.ts',
  'dist/webview-mermaid.js': 'src/webview/chunks/mermaid.ts',
  'dist/markdownPreview.js': 'src/webview/markdownPreview.ts',
};
if (existsSync('src/webview/main.ts')) {
  for (const [outfile, entry] of Object.entries(WEBVIEW_ENTRIES)) {
    builds.push({
      ...common,
      entryPoints: [entry],
      outfile,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      sourcemap: false,
    });
  }
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
