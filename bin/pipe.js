#!/usr/bin/env node
// The `pipe` bin: runs the compiled CLI (built by `npm ci` through the prepare script).
import { main, processIo } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), processIo());
