import { useEffect, useId, useRef } from 'react';

/** Asks before removing: takes focus (on Cancel, the safe choice); Escape cancels. */
export function RemoveConfirmation({
  name,
  onCancel,
  onRemove,
}: {
  name: string;
  onCancel: () => void;
  onRemove: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const textId = useId();
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      role="alertdialog"
      aria-label={`Remove ${name}?`}
      aria-describedby={textId}
      className="confirm"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onCancel();
      }}
    >
      <p id={textId}>
        Remove <strong>{name}</strong> from Vigil? Its saved password is deleted too.
      </p>
      <div className="confirm-actions">
        <button type="button" ref={cancelRef} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onRemove}>
          Remove
        </button>
      </div>
    </div>
  );
}
