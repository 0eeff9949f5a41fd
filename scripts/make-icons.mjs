// Renders build/icon.svg into build/icon.png (1024 px), the one icon electron-builder needs: it
// makes the macOS .icns, the Windows .ico and the Linux sizes from it while packaging. Uses
// resvg compiled to WebAssembly, so nothing native is downloaded. Run after editing the SVG
// (`npm run icons`) and commit both files.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
const svg = readFileSync(`${root}/build/icon.svg`, 'utf8');
const png = new Resvg(svg, { fitTo: { mode: 'width', value: 1024 } }).render().asPng();
writeFileSync(`${root}/build/icon.png`, png);
console.log(`Wrote build/icon.png (${png.length} bytes, 1024×1024).`);
