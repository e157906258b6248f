import { useEffect, useId, useRef } from 'react';

/**
 * Asks before the password goes on the clipboard, where any app (and clipboard history)
 * can read it. Focus starts on Cancel, the safe choice; Escape cancels.
 */
export function CopyPasswordConfirmation({
  name,
  onCancel,
  onCopy,
}: {
  name: string;
  onCancel: () => void;
  onCopy: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const textId = useId();
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      role="alertdialog"
      aria-label={`Copy the password of ${name}?`}
      aria-describedby={textId}
      className="confirm"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onCancel();
      }}
    >
      <p id={textId}>
        The copied address will contain the password of <strong>{name}</strong> in clear. Other apps
        and clipboard history can read it.
      </p>
      <div className="confirm-actions">
        <button type="button" ref={cancelRef} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onCopy}>
          Copy with password
        </button>
      </div>
    </div>
  );
}
