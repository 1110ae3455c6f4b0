#!/usr/bin/env bash
# Regenerates src/thrift/gen-nodejs from the project's IDL with Debian's thrift-compiler
# (apt-get install thrift-compiler). The output is committed; run this after editing
# an IDL file and commit both.
set -euo pipefail
cd "$(dirname "$0")/../src/thrift"
command -v thrift >/dev/null || { echo "thrift-compiler is not installed (apt-get install thrift-compiler)" >&2; exit 1; }
rm -rf gen-nodejs
for idl in TCLIService.thrift hive_metastore.thrift beeswax.thrift ImpalaService.thrift; do
  thrift --gen js:node,es6,ts -o . "$idl"
done
echo "generated: $(ls gen-nodejs | tr '\n' ' ')"
