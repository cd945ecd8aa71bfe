#!/usr/bin/env bash
# Builds the container image (`make image`): the static server binary with the agent workspace
# embedded (frontend/dist/app, built first by make), the context bin/image/, and the image from
# deploy/image/Dockerfile, tagged $IMAGE:<version> and $IMAGE:latest.
#
#   DOCKER        the client: docker (default) or podman
#   IMAGE         the image's name (default switchboard)
#   IMAGE_SOURCE  the org.opencontainers.image.source label (default: the git remote "origin")
#
# The version is `git describe --always --dirty`; the binary reports it (switchboard --version,
# and switchboard_build_info on /metrics). Prints the image's reference last.
set -euo pipefail
cd "$(dirname "$0")/../.."

docker=${DOCKER:-docker}
image=${IMAGE:-switchboard}
version=$(git describe --always --dirty 2>/dev/null || echo unknown)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
source=${IMAGE_SOURCE:-$(git remote get-url origin 2>/dev/null || echo unknown)}
tag=$(printf '%s' "$version" | tr -c 'A-Za-z0-9_.-' '-')
certs=/etc/ssl/certs/ca-certificates.crt
if [ ! -s "$certs" ]; then
  echo "build.sh: $certs is missing (apt-get install ca-certificates): outbound webhooks need it" >&2
  exit 1
fi
if [ ! -f frontend/dist/app/index.html ]; then
  echo "build.sh: frontend/dist/app is not built: run 'make image', which builds it first" >&2
  exit 1
fi

ctx=bin/image
rm -rf "$ctx"
mkdir -p "$ctx/rootfs/etc/ssl/certs" "$ctx/rootfs/tmp" "$ctx/owned/data"
chmod 1777 "$ctx/rootfs/tmp"
chmod 755 "$ctx/owned/data"
cp "$certs" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
echo 'root:x:0:0:root:/:/sbin/nologin' >"$ctx/rootfs/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/data:/sbin/nologin' >>"$ctx/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$ctx/rootfs/etc/group"

echo "==> compiling the static server $version (CGO_ENABLED=0, time zone data included)"
CGO_ENABLED=0 go build -trimpath -tags timetzdata \
  -ldflags "-s -w -X switchboard/internal/metrics.version=$version -X switchboard/internal/metrics.revision=$revision" \
  -o "$ctx/rootfs/switchboard" .

# The classic builder when BuildKit's client (buildx) is missing: this file needs nothing more,
# and a docker CLI without buildx refuses to build otherwise.
if [ -z "${DOCKER_BUILDKIT:-}" ] && [ "$(basename "$docker")" = docker ] && ! "$docker" buildx version >/dev/null 2>&1; then
  export DOCKER_BUILDKIT=0
fi
echo "==> building the image $image:$tag"
log=$(mktemp)
if ! "$docker" build -f deploy/image/Dockerfile \
  --build-arg VERSION="$version" --build-arg REVISION="$revision" --build-arg SOURCE="$source" \
  -t "$image:$tag" -t "$image:latest" "$ctx" >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
echo "$image:$tag"
