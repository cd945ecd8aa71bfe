import type { ProxyOptions } from 'vite';
import { defineConfig } from 'vitest/config';

// The Go server (ADDR, default :8080; another with SWITCHBOARD_API=http://host:port) answers the
// API; `npm run dev` serves the workspace with hot reload and forwards the API to it. `npm run build` writes dist/app, which the server embeds
// (frontend/embed.go) — dist/.keep stays so that the embed pattern always matches.
const api = process.env.SWITCHBOARD_API || 'http://localhost:8080';

// The server accepts browser requests and WebSockets only from its own origin (or CORS_ORIGINS):
// present the proxied ones as same-origin, as they are in production where the server serves the
// SPA.
const sameOrigin: ProxyOptions = {
  target: api,
  changeOrigin: true,
  configure: (proxy) => {
    proxy.on('proxyReq', (proxyReq) => proxyReq.setHeader('origin', api));
    proxy.on('proxyReqWs', (proxyReq) => proxyReq.setHeader('origin', api));
  },
};

export default defineConfig({
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/query': { ...sameOrigin, ws: true },
      '/v1': sameOrigin,
      '/healthz': api,
      '/readyz': api,
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
