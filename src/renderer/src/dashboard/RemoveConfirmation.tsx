import { Confirmation } from '../common/Confirmation';

/** Asks before removing, saying what else goes (a running stream) and that Undo is possible. */
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
  return (
    <Confirmation
      label={`Remove ${name}?`}
      confirm="Remove"
      onCancel={onCancel}
      onConfirm={onRemove}
    >
      Remove <strong>{name}</strong> from Vigil? {live ? 'Its running live stream stops now. ' : ''}
      You can undo this for a few seconds; after that its saved password is deleted too.
    </Confirmation>
  );
}
