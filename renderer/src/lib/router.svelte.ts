/**
 * Hash router: `#/runs`, `#/new`, `#/run/12`, `#/compare?runs=1,2`, `#/invert?run=3&checkpoint=400`.
 * The hash keeps routing out of the server (one index.html under app:// and http alike) and
 * leaves the page's `?token=` query alone.
 */
export interface Route {
  page: 'runs' | 'new' | 'run' | 'compare' | 'invert';
  id: number | null;
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/runs';
  const [path, search = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  const query = new URLSearchParams(search);
  const page = parts[0];
  if (page === 'run' && parts[1] && /^\d+$/.test(parts[1]))
    return { page: 'run', id: Number(parts[1]), query };
  if (page === 'new' || page === 'compare' || page === 'invert') return { page, id: null, query };
  return { page: 'runs', id: null, query };
}

export function href(path: string): string {
  return `#${path}`;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

class Router {
  route = $state<Route>(parseHash(typeof window === 'undefined' ? '' : window.location.hash));

  start(): () => void {
    const update = () => {
      this.route = parseHash(window.location.hash);
    };
    window.addEventListener('hashchange', update);
    update();
    return () => window.removeEventListener('hashchange', update);
  }
}

export const router = new Router();
