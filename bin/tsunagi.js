#!/usr/bin/env node
// Entry point for the `tsunagi` command. Tsunagi runs its TypeScript sources through tsx's loader so that
// `npm install && npm start` needs no build step; the console assets (when present) are prebuilt by Vite.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
