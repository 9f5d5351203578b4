// Playwright's global setup: builds the native command-line simulator once,
// before any test runs, so that the tests comparing the page with the native
// core spend their time on the comparison, not inside their timeout waiting
// for a compiler (on a fresh clone that build alone takes longer than one
// test may).
import { execFileSync } from 'node:child_process';

export default function buildCli() {
  execFileSync('cargo', ['build', '-q', '-p', 'sahara-sim', '--bin', 'sahara-sim'], { cwd: '..', stdio: 'inherit' });
}
