// Light/dark theme, remembered in localStorage and applied as <html data-theme>.

export type ThemeName = 'light' | 'dark';
const KEY = 'timer-lab-theme';

function initial(): ThemeName {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // storage may be disabled; fall through to the system preference
  }
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export class Theme {
  name = $state<ThemeName>(initial());

  constructor() {
    this.#apply();
  }

  toggle(): void {
    this.name = this.name === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, this.name);
    } catch {
      // not remembered; still applied
    }
    this.#apply();
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.name;
  }
}
