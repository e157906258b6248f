import { useEffect, useId, useRef } from 'react';

/** Asks before removing: takes focus (on Cancel, the safe choice); Escape cancels. */
export function RemoveConfirmation({
  name,
  live = false,
  onCancel,
  onRemove,
}: {
  name: string;
  /** The camera is streaming: removing it stops the stream (and closes its windows). */
  live?: boolean;
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
        Remove <strong>{name}</strong> from Vigil?{' '}
        {live ? 'Its running live stream stops now. ' : ''}You can undo this for a few seconds;
        after that its saved password is deleted too.
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
