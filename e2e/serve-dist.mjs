// A tiny static server for the built dist/, started and stopped by Playwright.
// Port APP_PORT serves dist/ both at the root and under /sahara-sim/ (as GitHub
// Pages serves a project site); port HOST_PORT is another origin whose page
// embeds the app in an <iframe>, as a lecture slide would, and which serves
// deck/index.html, a reveal.js deck with two embedded views (reveal.js from
// node_modules under /reveal/).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

export const APP_PORT = Number(process.env.APP_PORT ?? 4173);
export const HOST_PORT = Number(process.env.HOST_PORT ?? 4174);
const DIST = resolve(import.meta.dirname, '..', 'dist');
const SUB_PATH = '/sahara-sim/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

async function serveFile(res, urlPath) {
  const rel = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
  let file = join(DIST, rel);
  if (!file.startsWith(DIST)) return notFound(res);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    notFound(res);
  }
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

// Large enough for the hostile-link tests' 100 KB query strings (Node's
// default of 16 KB would refuse them before the page could).
createServer({ maxHeaderSize: 512 * 1024 }, (req, res) => {
  const path = new URL(req.url, 'http://127.0.0.1').pathname;
  if (path === '/sahara-sim') {
    res.writeHead(301, { location: SUB_PATH });
    return res.end();
  }
  serveFile(res, path.startsWith(SUB_PATH) ? path.slice(SUB_PATH.length - 1) : path);
}).listen(APP_PORT, '127.0.0.1');

const REVEAL = resolve(import.meta.dirname, 'node_modules', 'reveal.js', 'dist');
const DECK = resolve(import.meta.dirname, 'deck', 'index.html');

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/deck/') {
    const deck = (await readFile(DECK, 'utf8')).replaceAll('APP_ORIGIN', `http://127.0.0.1:${APP_PORT}`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(deck);
  }
  if (url.pathname.startsWith('/reveal/')) {
    const file = join(REVEAL, normalize(url.pathname.slice('/reveal/'.length)).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(REVEAL)) return notFound(res);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      return res.end(body);
    } catch {
      return notFound(res);
    }
  }
  const params = url.searchParams;
  const src = params.get('src') ?? SUB_PATH;
  const width = Number(params.get('w') ?? 960);
  const height = Number(params.get('h') ?? 540);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>Slide host</title>
<h1>A lecture slide on another origin</h1>
<iframe id="embed" title="Sahara Sim" width="${width}" height="${height}"
  src="http://127.0.0.1:${APP_PORT}${src.startsWith('/') ? src : '/' + src}"></iframe>`);
}).listen(HOST_PORT, '127.0.0.1');

console.log(`dist/ on http://127.0.0.1:${APP_PORT}/ and ${SUB_PATH}; slide host on http://127.0.0.1:${HOST_PORT}/`);
