// Gives a WASI component run by `jco run` (tools/wasi-test-runner.sh) the host's filesystem
// under "/", as a native test has: the JPEG decoder's tests read their reference files by
// absolute path. jco's preview2 shim starts with no preopens.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// The shim instance jco's generated code imports: resolved from jco's own package.
const fromJco = createRequire(createRequire(import.meta.url).resolve('@bytecodealliance/jco'));
const shim = await import(pathToFileURL(fromJco.resolve('@bytecodealliance/preview2-shim/filesystem')));
shim._setPreopens({ '/': '/' });
