/**
 * The console's shell: sign-in gate, navigation by role, a client-side router over
 * history.pushState (the server answers index.html for every page path).
 */
import './style.css';
import { destroyCharts } from './charts.ts';
import { h } from './dom.ts';
import { getSession, setSession, type Role, type Session } from './session.ts';
import { signInPage } from './pages/sign-in.ts';
import { overviewPage } from './pages/overview.ts';
import { casesPage } from './pages/cases.ts';
import { simulationsPage } from './pages/simulations.ts';
import { stressTestsPage } from './pages/stress-tests.ts';
import { dataQualityPage } from './pages/data-quality.ts';
import { forecastsPage } from './pages/forecasts.ts';
import { supervisionPage } from './pages/supervision.ts';
import { schemesPage } from './pages/schemes.ts';
import { docsPage } from './pages/docs.ts';

export interface Page {
  path: string;
  title: string;
  roles: Role[] | 'public';
  render(main: HTMLElement, session: Session | null): void | Promise<void>;
}

const everyone: Role[] = ['hospital', 'analyst', 'admin'];
const analysts: Role[] = ['analyst', 'admin'];

const pages: Page[] = [
  { path: '/', title: 'Overview', roles: everyone, render: overviewPage },
  { path: '/cases', title: 'Cases', roles: everyone, render: casesPage },
  { path: '/simulations', title: 'Simulations', roles: analysts, render: simulationsPage },
  { path: '/stress-tests', title: 'Stress tests', roles: analysts, render: stressTestsPage },
  { path: '/data-quality', title: 'Data quality', roles: everyone, render: dataQualityPage },
  { path: '/forecasts', title: 'Forecasts', roles: analysts, render: forecastsPage },
  { path: '/supervision', title: 'Supervision', roles: everyone, render: supervisionPage },
  { path: '/schemes', title: 'Schemes', roles: analysts, render: schemesPage },
  { path: '/docs', title: 'API docs', roles: 'public', render: docsPage },
];
const signIn: Page = { path: '/sign-in', title: 'Sign in', roles: 'public', render: signInPage };

const allowed = (p: Page, s: Session | null): boolean => p.roles === 'public' || (s !== null && p.roles.includes(s.role));

function renderNav(current: string, session: Session | null): void {
  const nav = document.getElementById('nav')!;
  const who = document.getElementById('who')!;
  const links = pages.filter((p) => allowed(p, session)).map((p) => h('a', { href: p.path, 'aria-current': p.path === current ? 'page' : undefined }, p.title));
  nav.replaceChildren(h('ul', {}, links.map((a) => h('li', {}, a))));
  if (session) {
    const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
    out.addEventListener('click', () => {
      setSession(null);
      navigate('/sign-in');
    });
    who.replaceChildren(h('span', {}, session.role === 'hospital' ? `Hospital ${session.hospitalId}` : session.role === 'admin' ? 'Administrator' : 'Analyst'), ' ', out);
  } else {
    who.replaceChildren(h('a', { href: '/sign-in' }, 'Sign in'));
  }
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void route();
}

async function route(): Promise<void> {
  destroyCharts();
  const url = new URL(location.href);
  const session = getSession();
  let page = url.pathname === signIn.path ? signIn : pages.find((p) => p.path === url.pathname);
  const main = document.getElementById('main')!;
  if (!page) {
    renderNav('', session);
    document.title = 'Not found · payreform';
    main.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, 'There is no page at this address. ', h('a', { href: '/' }, 'Go to the overview.')));
    return;
  }
  if (!allowed(page, session)) {
    if (!session) {
      history.replaceState(null, '', `/sign-in?next=${encodeURIComponent(url.pathname)}`);
      page = signIn;
    } else {
      renderNav(url.pathname, session);
      document.title = `${page.title} · payreform`;
      main.replaceChildren(h('h1', {}, page.title), h('p', { class: 'error', role: 'alert' }, `This page is for ${(page.roles as Role[]).join(' or ')} keys; you are signed in with a ${session.role} key.`));
      return;
    }
  }
  renderNav(page.path, session);
  document.title = `${page.title} · payreform`;
  main.replaceChildren();
  await page.render(main, session);
  main.focus({ preventScroll: true });
}

document.addEventListener('click', (event) => {
  const a = (event.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download') || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/v1/') || href === '/openapi.json') return;
  event.preventDefault();
  navigate(href);
});
window.addEventListener('popstate', () => void route());
void route();
