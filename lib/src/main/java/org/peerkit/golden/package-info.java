/**
 * Golden files for the GPU backend (lib/cuda): inputs, outputs and gradients of every CUDA kernel
 * and of the PEER layer, computed on the CPU by lib's double-precision paths and written as
 * safetensors. The device compares its float32 results with them (lib/cuda GoldenSuite), so the GPU
 * is checked against code that is itself checked against finite differences.
 */
package org.peerkit.golden;
