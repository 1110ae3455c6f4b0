#!/usr/bin/env node
'use strict';
// Empties dist/ before a build so files of removed sources never reach the package.
const fs = require('node:fs');
const path = require('node:path');

fs.rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
