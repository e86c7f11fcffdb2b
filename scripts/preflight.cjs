// Runs before `npm start` on plain Node (no TypeScript, no dependencies, old syntax only), so the
// two ways a fresh clone fails to start each print one line saying what to do instead of a stack
// trace or "tsx: not found".
var fs = require('fs');
var path = require('path');

var root = path.join(__dirname, '..');
var wanted = require(path.join(root, 'package.json')).engines.node; // ">=20"
var minimum = Number(/(\d+)/.exec(wanted)[1]);
var major = Number(process.versions.node.split('.')[0]);
if (major < minimum) {
  console.error('Node ' + process.versions.node + ' is too old: this project needs Node ' + wanted + ' (see engines in package.json); install it (e.g. nvm install ' + minimum + ') and run npm start again.');
  process.exit(1);
}
if (!fs.existsSync(path.join(root, 'node_modules', '.bin', 'tsx'))) {
  console.error('Dependencies are not installed (tsx not found): run npm ci first, then npm start.');
  process.exit(1);
}
