import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Where to build from and to is set by scripts/build.mjs (it knows the repository
// root), so this file stays free of Node imports like the rest of renderer/.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
