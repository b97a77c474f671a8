import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three Electron targets; the main build also emits the headless entries (out/main/serve.js and
// the standalone proxy out/main/proxy.js), which import nothing from Electron and run on plain Node.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: 'main/electron/index.ts', serve: 'main/serve.ts', proxy: 'main/proxy-serve.ts' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot be an ES module.
      rollupOptions: { input: { index: 'preload/index.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // Minified, and split per screen: App loads each view (React.lazy) when its tab is first shown.
      minify: true,
      rollupOptions: { input: 'renderer/index.html' },
    },
  },
});
