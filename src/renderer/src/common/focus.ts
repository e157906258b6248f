const CANDIDATES =
  'button, [href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/**
 * The elements of `root` that Tab reaches, in document order: enabled, not tabindex=-1, not
 * hidden, and not inside a closed <details> (only its summary shows). Judged from the DOM, not
 * from layout, so it answers the same in jsdom; radio groups are not narrowed to one stop.
 */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(CANDIDATES)].filter((el) => {
    if (el.tabIndex < 0 || el.matches(':disabled') || el.closest('[hidden], [inert]')) return false;
    if (el instanceof HTMLInputElement && el.type === 'hidden') return false;
    const details = el.parentElement?.closest('details');
    if (details && !details.open && !(el.matches('summary') && el.parentElement === details))
      return false;
    return true;
  });
}
