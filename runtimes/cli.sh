#!/bin/sh
# Runs the project CLI (runtimes/cli.cjs) on Node.js 24 in this one process: the Node 24 binary `npm ci` installs
# into runtimes/ when there is one, else the node on PATH (cli.cjs refuses one older than 22). No subprocess: the
# folder comes from $0 and the binary from a glob, and exec replaces this shell with Node.
# cdktf 0.21.0 (archived upstream) calls util.isArray, and Node 22+ warns about it (DEP0044); only that warning is silenced.
here=${0%/*}
[ "$here" = "$0" ] && here=.
node=node
for candidate in "$here"/node_modules/node24-linux-*/bin/node; do
  [ -x "$candidate" ] && node=$candidate && break
done
exec "$node" --disable-warning=DEP0044 "$here/cli.cjs" "$@"
