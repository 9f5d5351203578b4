// Minifies the page's JavaScript after a release build: wasm-bindgen's glue
// and the snippets it imports. Run by Trunk as a post_build hook (Trunk.toml);
// a debug build (`trunk serve`) is left readable.
//
// Trunk's own JS minifier cannot parse the glue (it stops at `export
// default`, warns and keeps the file as it was), so terser does it here:
// about a quarter of the page's JavaScript once gzipped. Trunk has already
// written each file's subresource-integrity hash into index.html; a
// minified file gets its new hash there, or the browser would refuse it.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const root = resolve(import.meta.dirname, '..');
// terser is installed by scripts/setup.sh into .tools/, beside wasm-opt.
const { minify } = createRequire(join(root, '.tools', 'node_modules', 'x.js'))('terser');
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('minify-js.mjs runs as a Trunk hook: TRUNK_STAGING_DIR is not set');

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const index = join(staging, 'index.html');
let html = await readFile(index, 'utf8');
const files = (await readdir(staging, { recursive: true })).filter((f) => f.endsWith('.js'));
for (const file of files) {
  const path = join(staging, file);
  const before = await readFile(path, 'utf8');
  const { code } = await minify(before, { module: true, compress: true, mangle: true });
  await writeFile(path, code);
  html = html.replaceAll(sri(before), sri(code));
  console.log(`minify-js: ${file} ${before.length} -> ${code.length} bytes`);
}
await writeFile(index, html);
