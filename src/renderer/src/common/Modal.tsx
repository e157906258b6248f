import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { tabbables } from './focus';

export interface ModalProps {
  /** The dialog's accessible name. */
  label: string;
  /** The dialog closed (Escape, or the parent asked): the parent unmounts it. */
  onClose: () => void;
  /** Where focus goes on open; the first tabbable element when it returns null. */
  initialFocus?: (dialog: HTMLDialogElement) => HTMLElement | null;
  className?: string;
  children: ReactNode;
}

/**
 * A real modal: the native `<dialog>` opened with showModal(), so the rest of the page is inert
 * and Escape closes it (the platform's `cancel`, then `close`). Chromium's close watcher closes
 * the dialog on a repeated Escape even when `cancel` is prevented, so `close` is the one signal
 * we follow. Two things the platform leaves to us:
 * - focus return when the dialog is unmounted rather than closed (close() restores focus, removal
 *   does not: whatwg/html#5678 and #6531 define it for close() only);
 * - Tab past the last control: Chromium hands focus to the browser UI, which in Electron is
 *   nothing, so focus lands on <body> (electron/electron#4031); we wrap it to the first control.
 */
export function Modal({ label, onClose, initialFocus, className, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // Kept across React's development remounts, where the first opener is the real one.
  const opener = useRef<Element | null>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return undefined;
    opener.current ??= document.activeElement;
    if (!dialog.open) dialog.showModal();
    (initialFocus?.(dialog) ?? tabbables(dialog)[0])?.focus();
    // A close event queued before a development remount arrives while the dialog is open again.
    const onNativeClose = () => {
      if (!dialog.open) onCloseRef.current();
    };
    dialog.addEventListener('close', onNativeClose);
    return () => {
      dialog.removeEventListener('close', onNativeClose);
      const back = opener.current;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
    // Opened once per mount; initialFocus is read at that moment only.
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const all = tabbables(ref.current);
    const first = all[0];
    const last = all[all.length - 1];
    if (!first || !last) return;
    if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    } else if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    }
  };

  return (
    <dialog ref={ref} className={className} aria-label={label} onKeyDown={onKeyDown}>
      {children}
    </dialog>
  );
}
