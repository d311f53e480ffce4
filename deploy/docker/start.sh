#!/bin/sh
# The command of every kirim image (deploy/docker/Dockerfile): node on the project's main module, whose
# path the image build wrote to /app/main-module (deploy/docker/stage-image.ts). exec, so node is PID 1
# and receives the stop signal itself, for the services' ordered shutdown. Reads, never writes: the
# image runs on a read-only root filesystem.
set -eu
main=$(cat /app/main-module)
exec node "/app/$main" "$@"
