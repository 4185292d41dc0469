// The console's build: plain TypeScript modules bundled by Vite into web/dist (served by the
// local stack and, in AWS, from the console bucket behind CloudFront).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** `vite --config web/vite.config.ts` (the console's dev server) sends API paths to the local stack on PORT, as `npm start` does. */
const api = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      // zod's sources carry comments Rollup reports as misplaced annotations: harmless, and noise.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  server: { proxy: { '/v1': api, '/openapi.json': api, '/health': api } },
});
