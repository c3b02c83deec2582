/** Entry point of the `tap` CLI (bundled to .build/tap.js by the Makefile). */
// The pinned AWS SDK announces that releases after January 2027 need Node 22; these pins run on 20.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { main } from '../src/cli/main';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
