// torch-diff-specs-data.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js).
'use strict';

const specs = [];

module.exports = { SPECS: specs };
