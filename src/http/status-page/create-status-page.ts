import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { statusPageHtml } from './status-page-html.js';

/**
 * The assets are plain files in the repository, read from src/ both when running from src/ (tsx,
 * tests) and from dist/ (tsc does not copy them): both sit three levels below the package root.
 */
const ASSETS = fileURLToPath(new URL('../../../src/http/status-page/assets/', import.meta.url));

/**
 * The status page: one public HTML page without data and a small hand-written script and style
 * sheet (no CDN, no build step). The script asks for an API token, keeps it in sessionStorage and
 * reads everything from the JSON API with it; the buttons post the API's commands.
 */
export function createStatusPage(): Router {
  const script = readFileSync(`${ASSETS}status-page.js`, 'utf8');
  const style = readFileSync(`${ASSETS}status-page.css`, 'utf8');
  const html = statusPageHtml();
  const router = Router();
  router.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(html);
  });
  router.get('/status-page/status-page.js', (_req, res) => {
    res.type('js').set('Cache-Control', 'no-cache').send(script);
  });
  router.get('/status-page/status-page.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'no-cache').send(style);
  });
  return router;
}
