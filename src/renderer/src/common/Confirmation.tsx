import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A question asked in place (role="alertdialog"): focus starts on Cancel, the safe choice,
 * and Escape cancels. `children` is the question's text; `confirm` names the risky action.
 */
export function Confirmation({
  label,
  confirm,
  onCancel,
  onConfirm,
  children,
}: {
  label: string;
  confirm: string;
  onCancel: () => void;
  onConfirm: () => void;
  children: ReactNode;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const textId = useId();
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      role="alertdialog"
      aria-label={label}
      aria-describedby={textId}
      className="confirm"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onCancel();
      }}
    >
      <p id={textId}>{children}</p>
      <div className="confirm-actions">
        <button type="button" ref={cancelRef} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </div>
  );
}
