import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest directory above the working directory with our package.json. */
export function repoRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'tap-infra') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`not inside the tap-infra repository: ${from}`);
    dir = parent;
  }
}
