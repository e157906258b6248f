import { useCallback, useEffect, useRef, useState } from 'react';

/** A button on a toast: Undo, Show in folder… Choosing it dismisses the toast. */
export interface ToastAction {
  label: string;
  onAction: () => void;
}

export interface ToastSpec {
  kind: 'ok' | 'error';
  text: string;
  action?: ToastAction;
  /** How long a success toast stays (default SUCCESS_TOAST_MS); errors stay until dismissed. */
  durationMs?: number;
}

interface ShownToast extends ToastSpec {
  id: number;
}

/** Long enough to read a sentence and reach its button, short enough not to pile up. */
export const SUCCESS_TOAST_MS = 5_000;
/** The fade at the end of a success toast's time. */
export const TOAST_FADE_MS = 400;

/**
 * The page's toasts: `show` adds one (a new toast of the same text replaces the old), `dismiss`
 * removes one. Success toasts go by themselves; an error stays until the user dismisses it.
 */
export function useToasts() {
  const [toasts, setToasts] = useState<ShownToast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);
  const show = useCallback((toast: ToastSpec): number => {
    const id = next.current++;
    setToasts((list) => [...list.filter((t) => t.text !== toast.text), { ...toast, id }].slice(-3));
    return id;
  }, []);
  return { toasts, show, dismiss };
}

/** One toast; its timer pauses while the pointer or focus is on it (WCAG 2.2.1). */
function ToastItem({ toast, onDismiss }: { toast: ShownToast; onDismiss: (id: number) => void }) {
  const [held, setHeld] = useState(false);
  const [fading, setFading] = useState(false);
  const timed = toast.kind === 'ok';
  const duration = toast.durationMs ?? SUCCESS_TOAST_MS;
  useEffect(() => {
    if (!timed || held) return undefined;
    setFading(false);
    const fade = setTimeout(() => setFading(true), Math.max(0, duration - TOAST_FADE_MS));
    const end = setTimeout(() => onDismiss(toast.id), duration);
    return () => {
      clearTimeout(fade);
      clearTimeout(end);
    };
  }, [timed, held, duration, toast.id, onDismiss]);
  return (
    <div
      className={`toast-item toast-${toast.kind}${fading ? ' toast-fading' : ''}`}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={(event) => {
        if (!(
          event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)
        ))
          setHeld(false);
      }}
    >
      <span>{toast.text}</span>
      {toast.action ? (
        <button
          type="button"
          onClick={() => {
            onDismiss(toast.id);
            toast.action?.onAction();
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
      <button type="button" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

/**
 * Where toasts appear. The region is always in the page, so screen readers hear what is
 * added to it (a live region created together with its text is often not announced); it is
 * polite: a toast never interrupts.
 */
export function ToastRegion({
  toasts,
  onDismiss,
}: {
  toasts: ReadonlyArray<ShownToast>;
  onDismiss: (id: number) => void;
}) {
  return (
    <div className="toast" role="status" aria-live="polite" aria-label="Notifications">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} onDismiss={onDismiss} />
      ))}
    </div>
  );
}
