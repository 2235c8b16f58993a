import { useTheme } from "../lib/theme";

export function ThemeToggle() {
  const { theme, toggle } = useTheme();
  const dark = theme === "dark";
  return (
    <button type="button" className="button button--ghost" aria-pressed={dark} onClick={toggle}>
      <span aria-hidden="true">{dark ? "☾" : "☀"}</span> Dark mode
    </button>
  );
}
