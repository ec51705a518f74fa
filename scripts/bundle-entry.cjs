// The entry of the one bundle of the built lvs-play (dist/lvs-play.cjs; scripts/bundle.mjs bundles it
// from tsc's output): the command and every package entry, so the CLI and a user's playbook share
// one instance of each module. Each part is initialised on its first use (a require() the bundler
// turns into a lazy init): --version initialises the command line front, not the library.
exports.runCli = (argv) => require('../dist/src/cli/cli.js').runCli(argv);
exports.lib = () => require('../dist/src/index.js');
exports.kit = () => require('../dist/src/kit/index.js');
exports.roles = () => require('../dist/roles/index.js');
exports.lab = () => require('../dist/src/lab/index.js');
