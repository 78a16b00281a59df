/** @module For bench/serve-rollout.mjs: writes the tests' tiny trained package to DIR/primary, a copy with shifted scores to DIR/shadow, and sample raw rows to DIR/rows.json. Run with tsx. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shiftedPackage } from '../../test/helpers/candidate-packages.js';
import { tinyRows, writeTinyPackage } from '../../test/helpers/model-package.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: tsx bench/lib/rollout-packages.ts DIR');
await writeTinyPackage(join(dir, 'primary'));
shiftedPackage(join(dir, 'primary'), join(dir, 'shadow'));
writeFileSync(join(dir, 'rows.json'), JSON.stringify(tinyRows(100, 2000)));
