// Prints the advance widths of DejaVu Sans (regular and bold) for U+0020-U+024F as measured by
// Chromium, in thousandths of an em: the table src/shared/diagram/metrics.ts is generated from.
// Usage: node scripts/font-metrics.mjs > /tmp/metrics.json (needs Debian chromium and fonts-dejavu).
import { chromium } from 'playwright-core';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage();
const widths = await page.evaluate(() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const measure = (weight) => {
    ctx.font = `${weight} 1000px "DejaVu Sans"`;
    const out = [];
    for (let c = 0x20; c <= 0x24f; c++) out.push(Math.round(ctx.measureText(String.fromCharCode(c)).width));
    return out;
  };
  return { regular: measure('normal'), bold: measure('bold') };
});
await browser.close();
process.stdout.write(JSON.stringify(widths) + '\n');
