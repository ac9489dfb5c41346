/**
 * The command line of headless Debian Chromium for every browser test and benchmark page (the
 * engine's kernel harness, test/browser/chromium.ts, the bench's browser subjects).
 *
 * WebGPU: on Linux Chromium keeps it behind --enable-unsafe-webgpu (without the flag
 * navigator.gpu.requestAdapter() gives null); the other three flags pin the adapter to
 * SwiftShader's Vulkan: vendor 'google', architecture 'swiftshader', a fallback adapter, i.e. GPU
 * work runs on the CPU. --disable-gpu (for WebGL: ANGLE on SwiftShader) does not take the adapter
 * away. Measured with Chromium 156 in headless mode (the page must be a secure context: 127.0.0.1).
 */
export const WEBGPU_FLAGS: readonly string[] = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader'];

export const CHROMIUM_FLAGS: readonly string[] = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', ...WEBGPU_FLAGS];
