// cli.js — the examples' command-line parsing: `--name value` pairs over a table of defaults
// (numbers stay numbers); an unknown option prints its name and exits with 2.
'use strict';

module.exports = function parseArgs(defaults, argv = process.argv.slice(2)) {
  const a = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    if (!(k in a)) { console.error(`unknown option --${k} (options: ${Object.keys(a).map((x) => '--' + x).join(' ')})`); process.exit(2); }
    const v = argv[++i];
    a[k] = typeof a[k] === 'number' ? Number(v) : v;
  }
  return a;
};
