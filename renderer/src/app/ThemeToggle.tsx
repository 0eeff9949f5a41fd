import { useEffect } from 'react';
import { useAppStore } from './app.store';

const order = ['system', 'light', 'dark'] as const;
const labels = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function ThemeToggle() {
  const theme = useAppStore((state) => state.theme);
  const setTheme = useAppStore((state) => state.setTheme);

  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const resolved = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
      document.documentElement.dataset.theme = resolved;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);

  const next = order[(order.indexOf(theme) + 1) % order.length]!;
  return (
    <button type="button" className="button ghost" data-testid="theme-toggle" onClick={() => void setTheme(next)}>
      {labels[theme]}
    </button>
  );
}
