// Which view is shown, kept in location.hash so Back/Forward and reloads work:
// #/new, #/history, #/run/<id>, #/compare/<id>,<id>[,…], #/sweep, #/sweep/<experimentId>, #/calibrate

export type Route =
  | { view: 'new' }
  | { view: 'history' }
  | { view: 'run'; id: number }
  | { view: 'compare'; ids: number[] }
  | { view: 'sweep'; experimentId?: number }
  | { view: 'calibrate' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'run' && /^\d+$/.test(parts[1] ?? '')) return { view: 'run', id: Number(parts[1]) };
  if (parts[0] === 'compare') {
    const ids = (parts[1] ?? '').split(',').filter((s) => /^\d+$/.test(s)).map(Number);
    if (ids.length >= 2) return { view: 'compare', ids };
  }
  if (parts[0] === 'new') return { view: 'new' };
  if (parts[0] === 'calibrate') return { view: 'calibrate' };
  if (parts[0] === 'sweep') return /^\d+$/.test(parts[1] ?? '') ? { view: 'sweep', experimentId: Number(parts[1]) } : { view: 'sweep' };
  return { view: 'history' };
}

export function routeHash(r: Route): string {
  switch (r.view) {
    case 'run':
      return `#/run/${r.id}`;
    case 'compare':
      return `#/compare/${r.ids.join(',')}`;
    case 'sweep':
      return r.experimentId === undefined ? '#/sweep' : `#/sweep/${r.experimentId}`;
    default:
      return `#/${r.view}`;
  }
}

export class Router {
  route = $state<Route>(parseRoute(location.hash));

  constructor() {
    addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }

  go(r: Route): void {
    const hash = routeHash(r);
    if (location.hash !== hash) location.hash = hash;
    this.route = r;
    scrollTo({ top: 0 });
    // Move focus to the new view's heading for keyboard and screen-reader users.
    setTimeout(() => document.querySelector<HTMLElement>("main h1")?.focus({ preventScroll: true }), 0);
  }
}
