// Minifies the page's JavaScript and CSS after a release build: wasm-bindgen's
// glue, the snippets it imports and the style sheet. Run by Trunk as a
// post_build hook (Trunk.toml); a debug build (`trunk serve`) is left
// readable. About 3.7 KB of the 400 KB budget, gzipped.
//
// Not Trunk's own minifiers: its JavaScript minifier cannot parse the glue
// (it stops at `export default` and keeps the file as it was), and its CSS
// minifier rewrites `max-width` media queries into range syntax, which
// Safari before 16.4 ignores. terser and clean-css (level 1: whitespace,
// comments, shorter colours and numbers) change nothing a browser reads.
// Trunk has already written each file's subresource-integrity hash into
// index.html; a minified file gets its new hash there, or the browser would
// refuse it.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('minify.mjs runs as a Trunk hook: TRUNK_STAGING_DIR is not set');
// Both are installed by scripts/setup.sh into .tools/, beside wasm-opt.
const require = createRequire(join(resolve(import.meta.dirname, '..'), '.tools', 'node_modules', '.'));
const { minify } = require('terser');
const CleanCSS = require('clean-css');

const minifiers = {
  '.js': async (text) => (await minify(text, { module: true, compress: true, mangle: true })).code,
  '.css': async (text) => {
    const out = new CleanCSS({ level: 1 }).minify(text);
    if (out.errors.length) throw new Error(out.errors.join('; '));
    return out.styles;
  },
};

const sri = (text) => 'sha384-' + createHash('sha384').update(text).digest('base64');
const index = join(staging, 'index.html');
let html = await readFile(index, 'utf8');
for (const file of await readdir(staging, { recursive: true })) {
  const kind = Object.keys(minifiers).find((ext) => file.endsWith(ext));
  if (!kind) continue;
  const path = join(staging, file);
  const before = await readFile(path, 'utf8');
  const after = await minifiers[kind](before);
  await writeFile(path, after);
  html = html.replaceAll(sri(before), sri(after));
  console.log(`minify: ${file} ${before.length} -> ${after.length} bytes`);
}
await writeFile(index, html);
