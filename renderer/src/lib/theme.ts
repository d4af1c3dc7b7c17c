/**
 * Dark and light theme: follows prefers-color-scheme until the user picks one with the
 * toggle; the pick is kept in localStorage and applied as `data-theme` on <html>.
 */
export type Theme = 'light' | 'dark';
const KEY = 'gan-studio.theme';

export function initialTheme(): Theme {
  const saved = safeGet();
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, persist = false): void {
  document.documentElement.dataset.theme = theme;
  if (persist) {
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // storage disabled: the theme still applies for this session
    }
  }
}

function safeGet(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}
