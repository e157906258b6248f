import { Confirmation } from '../common/Confirmation';

/**
 * Asks before the password goes on the clipboard, where any app (and clipboard history)
 * can read it.
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
  return (
    <Confirmation
      label={`Copy the password of ${name}?`}
      confirm="Copy with password"
      onCancel={onCancel}
      onConfirm={onCopy}
    >
      The copied address will contain the password of <strong>{name}</strong> in clear. Other apps
      and clipboard history can read it.
    </Confirmation>
  );
}
