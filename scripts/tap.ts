/** Entry point of the `tap` CLI (bundled to .build/tap.js by the Makefile). */
import { main } from '../src/cli/main';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
