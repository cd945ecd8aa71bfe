import { defineConfig } from 'vitest/config';

// The Go server (ADDR, default :8080; another with SWITCHBOARD_API=http://host:port) answers the
// API; `npm run dev` serves the workspace with hot reload and forwards the API to it. `npm run build` writes dist/app, which the server embeds
// (frontend/embed.go) — dist/.keep stays so that the embed pattern always matches.
const api = process.env.SWITCHBOARD_API || 'http://localhost:8080';

export default defineConfig({
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/query': {
        target: api,
        ws: true,
        changeOrigin: true,
        // The server accepts WebSockets only from its own origin (or CORS_ORIGINS): present the
        // proxied upgrade as same-origin, as it is in production where the server serves the SPA.
        configure: (proxy) => {
          proxy.on('proxyReqWs', (proxyReq) => proxyReq.setHeader('origin', api));
        },
      },
      '/v1': api,
      '/healthz': api,
      '/readyz': api,
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
