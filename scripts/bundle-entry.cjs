// The library's entry in the bundle (dist/bundle/lib.cjs; scripts/bundle.mjs bundles it from tsc's
// output): every package entry, so the CLI and a user's playbook share one instance of each module.
// Each part is initialised on its first use (a require() the bundler turns into a lazy init).
exports.lib = () => require('../dist/src/index.js');
exports.kit = () => require('../dist/src/kit/index.js');
exports.roles = () => require('../dist/roles/index.js');
exports.lab = () => require('../dist/src/lab/index.js');
