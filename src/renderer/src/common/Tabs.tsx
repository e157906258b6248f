import type { KeyboardEvent, ReactNode } from 'react';

export interface TabSpec<T extends string> {
  id: T;
  label: string;
}

/** The ids that tie a tab to its panel (aria-controls / aria-labelledby). */
export function tabIds(prefix: string, id: string): { tab: string; panel: string } {
  return { tab: `${prefix}-tab-${id}`, panel: `${prefix}-panel-${id}` };
}

/**
 * A WAI-ARIA tab list: one tab stop (the selected tab, roving tabindex); Left/Right move and
 * select (wrapping), Home/End go to the ends. Selection follows focus, as the panels are cheap.
 */
export function TabList<T extends string>({
  tabs,
  selected,
  onSelect,
  idPrefix,
  label,
}: {
  tabs: ReadonlyArray<TabSpec<T>>;
  selected: T;
  onSelect: (id: T) => void;
  idPrefix: string;
  label: string;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.id === selected);
    const to =
      event.key === 'ArrowRight'
        ? (at + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (at - 1 + tabs.length) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? tabs.length - 1
              : null;
    const next = to === null ? undefined : tabs[to];
    if (!next) return;
    event.preventDefault();
    onSelect(next.id);
    document.getElementById(tabIds(idPrefix, next.id).tab)?.focus();
  };

  return (
    <div role="tablist" aria-label={label} className="tabs" onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const ids = tabIds(idPrefix, t.id);
        const isSelected = t.id === selected;
        return (
          <button
            key={t.id}
            id={ids.tab}
            type="button"
            role="tab"
            aria-selected={isSelected}
            // Only the selected tab's panel is rendered: never point at a missing element.
            aria-controls={isSelected ? ids.panel : undefined}
            tabIndex={isSelected ? 0 : -1}
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}

/** The panel of one tab, named by its tab. */
export function TabPanel({
  idPrefix,
  id,
  className,
  children,
}: {
  idPrefix: string;
  id: string;
  className?: string;
  children: ReactNode;
}) {
  const ids = tabIds(idPrefix, id);
  return (
    <section role="tabpanel" id={ids.panel} aria-labelledby={ids.tab} className={className}>
      {children}
    </section>
  );
}
