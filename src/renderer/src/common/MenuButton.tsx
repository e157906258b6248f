import {
  useEffect,
  useId,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type RefObject,
} from 'react';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
}

/**
 * A WAI-ARIA menu button. Enter, Space, ArrowDown or a click open it on the first item, ArrowUp
 * on the last; Up/Down (wrapping), Home/End and a first letter move between items; Escape
 * closes it and focus goes back to the button; Tab, a click outside or focus leaving close it.
 * So one menu is open at a time: opening one moves focus into it, out of any other. After an item is chosen focus is on the button, so whatever the
 * item opens (a dialog, a confirmation) hands focus back there.
 */
export function MenuButton({
  label,
  items,
  buttonRef,
}: {
  label: string;
  items: ReadonlyArray<MenuItem>;
  buttonRef?: RefObject<HTMLButtonElement | null>;
}) {
  const [open, setOpen] = useState(false);
  // Which item gets focus when the menu appears: 0, or the last for ArrowUp.
  const [focusAt, setFocusAt] = useState<'first' | 'last'>('first');
  const ownButton = useRef<HTMLButtonElement>(null);
  const button = buttonRef ?? ownButton;
  const container = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const buttonId = useId();

  const itemsEls = () => [
    ...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []),
  ];

  useEffect(() => {
    if (!open) return undefined;
    const close = () => setOpen(false);
    const els = itemsEls();
    (focusAt === 'last' ? els[els.length - 1] : els[0])?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!(event.target instanceof Node && container.current?.contains(event.target))) close();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
    };
  }, [open, focusAt]);

  const show = (at: 'first' | 'last') => {
    setFocusAt(at);
    setOpen(true);
  };
  const closeToButton = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      show(event.key === 'ArrowUp' ? 'last' : 'first');
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const els = itemsEls();
    const at = els.findIndex((el) => el === document.activeElement);
    let to: number | null = null;
    if (event.key === 'ArrowDown') to = (at + 1) % els.length;
    else if (event.key === 'ArrowUp') to = (at - 1 + els.length) % els.length;
    else if (event.key === 'Home') to = 0;
    else if (event.key === 'End') to = els.length - 1;
    else if (event.key === 'Escape') {
      event.preventDefault();
      closeToButton();
      return;
    } else if (event.key === 'Tab') {
      setOpen(false);
      return;
    } else if (event.key.length === 1 && /\S/.test(event.key)) {
      // Type-ahead: the next item starting with that letter, after the current one.
      const letter = event.key.toLowerCase();
      for (let step = 1; step <= els.length; step++) {
        const i = (at + step) % els.length;
        if (els[i]?.textContent?.trim().toLowerCase().startsWith(letter)) {
          to = i;
          break;
        }
      }
    }
    if (to === null) return;
    event.preventDefault();
    els[to]?.focus();
  };

  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    const next = event.relatedTarget;
    if (next instanceof Node && !container.current?.contains(next)) setOpen(false);
  };

  return (
    <div className="menu" ref={container} onBlur={onBlur}>
      <button
        ref={button}
        id={buttonId}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? setOpen(false) : show('first'))}
        onKeyDown={onButtonKeyDown}
      >
        {label}
      </button>
      {open ? (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-labelledby={buttonId}
          className="menu-list"
          onKeyDown={onMenuKeyDown}
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={item.danger ? 'danger' : undefined}
              onClick={() => {
                closeToButton();
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
